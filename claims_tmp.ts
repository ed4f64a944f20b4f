import { claims09 } from "./tests/_claims09.ts";
const full = JSON.parse(Deno.readTextFileSync("/tmp/exp_partial.json"));
const cross = { tokens: 150000, course: { 1: 252.4, 2: 468.2 }, pytorch: { 1: 253.4, 2: 467.2 } };
try { console.log(JSON.stringify(claims09(full, cross, 141.56), null, 1)); } catch (e) { console.log(String(e)); }
