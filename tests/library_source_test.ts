// lib/course/library_source.ts: a region of the library's source, read from the file.
import assert from "node:assert/strict";
import { librarySource } from "@course/lib";

Deno.test("librarySource: lstmStep's six equations, as they stand in lib/core/lstm_cell.ts", async () => {
  const core = await librarySource("core/lstm_cell.ts", "the six equations");
  const text = await Deno.readTextFile(new URL("../lib/core/lstm_cell.ts", import.meta.url));
  const fileLines = text.split("\n");
  assert.equal(core.lines.length, 8);
  core.lines.forEach((line, k) => assert.equal(fileLines[core.firstLine - 1 + k].trim(), line.trim()));
  for (const name of ["f", "i", "cTilde", "c", "o", "h"]) {
    assert.ok(core.lines.some((l) => l.startsWith(`const ${name} = `)), name);
  }
  assert.match(core.where, /^lib\/core\/lstm_cell\.ts, lines \d+–\d+$/);
  await assert.rejects(
    librarySource("core/lstm_cell.ts", "nothing"),
    /has no region "nothing" \(regions: the six equations\)/,
  );
  await assert.rejects(librarySource("../deno.json", "x"), /expected a file of lib\//);
});
