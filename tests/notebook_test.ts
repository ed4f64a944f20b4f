// The runner's rules for executed notebooks (tools/notebooks/_notebook.ts): what counts as a failure.
import assert from "node:assert/strict";
import {
  budgetOf,
  type Cell,
  cellSeconds,
  checkOutputs,
  compareWithRecord,
  type Notebook,
  outputKinds,
  recordOf,
} from "../tools/notebooks/_notebook.ts";

function notebook(cells: Partial<Cell>[], budget?: number): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: budget === undefined ? {} : { course: { budget_seconds: budget } },
    cells: cells.map((c) => ({ cell_type: "code", source: "x", metadata: {}, outputs: [], ...c }) as Cell),
  };
}
const text = (s: string) => ({ output_type: "stream" as const, name: "stdout" as const, text: s });
const html = (s: string) => ({ output_type: "display_data" as const, data: { "text/html": s } });

Deno.test("checkOutputs: a code cell with no output fails, unless tagged no-output", () => {
  assert.deepEqual(checkOutputs(notebook([{ outputs: [text("hi")] }])), []);
  assert.deepEqual(checkOutputs(notebook([{ outputs: [] }])), [
    "cell 1 produced no output (expected some; tag it no-output if that is intended)",
  ]);
  assert.deepEqual(checkOutputs(notebook([{ metadata: { tags: ["no-output"] } }])), []);
  assert.deepEqual(checkOutputs(notebook([{ metadata: { tags: ["no-output"] }, outputs: [text("x")] }])), [
    "cell 1 is tagged no-output but produced 1 output(s)",
  ]);
});

Deno.test("checkOutputs: markdown and empty code cells are not checked", () => {
  assert.deepEqual(checkOutputs(notebook([{ cell_type: "markdown" }, { source: "  \n" }])), []);
});

Deno.test("checkOutputs: a chart cell needs an <svg> in text/html", () => {
  const tags = ["chart"];
  assert.deepEqual(
    checkOutputs(notebook([{ metadata: { tags }, outputs: [html("<figure><svg></svg></figure>")] }])),
    [],
  );
  assert.deepEqual(checkOutputs(notebook([{ metadata: { tags }, outputs: [text("<svg>")] }])), [
    "cell 1 is tagged chart but displayed no chart (no <svg> in text/html)",
  ]);
});

Deno.test("checkOutputs: errors and stderr fail; allow-stderr permits stderr", () => {
  const error = { output_type: "error" as const, ename: "RangeError", evalue: "bad" };
  const stderr = { output_type: "stream" as const, name: "stderr" as const, text: "warning: x\nmore" };
  assert.deepEqual(checkOutputs(notebook([{ outputs: [error] }])), ["cell 1 raised RangeError: bad"]);
  assert.deepEqual(checkOutputs(notebook([{ outputs: [stderr] }])), ["cell 1 wrote to stderr: warning: x"]);
  assert.deepEqual(checkOutputs(notebook([{ metadata: { tags: ["allow-stderr"] }, outputs: [stderr] }])), []);
});

Deno.test("budgetOf defaults to 60 s; cellSeconds reads nbclient's timing", () => {
  assert.equal(budgetOf(notebook([])), 60);
  assert.equal(budgetOf(notebook([], 120)), 120);
  const timed = notebook([{
    metadata: {
      execution: {
        "iopub.execute_input": "2026-01-01T00:00:01.000Z",
        "shell.execute_reply": "2026-01-01T00:00:03.500Z",
      },
    },
  }]);
  assert.deepEqual([...cellSeconds(timed)], [[0, 2.5]]);
});

Deno.test("outputKinds: consecutive streams of one name count once, as front ends merge them", () => {
  const cell = {
    cell_type: "code",
    source: "x",
    metadata: {},
    outputs: [text("a"), text("b"), html("<b>"), { output_type: "stream", name: "stderr", text: "!" }, text("c"), {
      output_type: "execute_result",
      data: { "text/plain": "1", "text/html": "<i>1</i>" },
    }],
  } as Cell;
  assert.deepEqual(outputKinds(cell), [
    "stream:stdout",
    "display_data:text/html",
    "stream:stderr",
    "stream:stdout",
    "execute_result:text/html+text/plain",
  ]);
});

Deno.test("compareWithRecord: a lost output, an output under the wrong cell, a changed notebook", () => {
  const recorded = recordOf(notebook([{ outputs: [text("a")] }, { outputs: [html("<svg>")] }]));
  assert.deepEqual(recorded, { "0": ["stream:stdout"], "1": ["display_data:text/html"] });
  assert.deepEqual(compareWithRecord(notebook([{ outputs: [text("a")] }, { outputs: [html("<svg>")] }]), recorded), {
    cells: [],
    problems: [],
    differences: [],
  });
  const moved = compareWithRecord(notebook([{ outputs: [] }, { outputs: [text("a"), html("<svg>")] }]), recorded);
  assert.deepEqual(moved.cells, [0, 1]);
  assert.equal(moved.problems[0], "cell 1: outputs [], recorded [stream:stdout]");
  const changed = compareWithRecord(notebook([{ outputs: [text("a")] }]), recorded);
  assert.match(changed.problems[0], /cells changed since the record/);
  assert.match(compareWithRecord(notebook([]), undefined).problems[0], /--record/);
});
