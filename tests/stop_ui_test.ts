import assert from "node:assert/strict";
import { checkStopButton } from "../tools/notebooks/check_stop.ts";

// The Stop button of Jupyter's Notebook UI, pressed as a learner does (tools/notebooks/check_stop.ts, about 20 s):
// a training cell that awaits between batches ends at its next batch through the kernel's stop file
// (lib/core/stop.ts), a busy synchronous loop through Deno's own interrupt, and after each the next cell reads
// a variable defined before, with no kernel restart.
Deno.test("the Notebook UI's Stop button ends a training cell and a busy loop; the kernel and its variables stay", async () => {
  const { checks, problems } = await checkStopButton();
  assert.deepEqual(problems, []);
  assert.equal(checks.length, 2);
  assert.match(checks[0].error, /^Interrupted: Stopped by the Stop button after batch \d+/);
  assert.equal(checks[0].next, "42 true");
  assert.match(checks[1].error, /^Interrupted: /);
  assert.equal(checks[1].next, "43 true");
});
