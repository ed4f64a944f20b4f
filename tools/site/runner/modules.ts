/**
 * The modules a cell running in a page may import, by the specifier notebooks write (`npm:` forms are looked up
 * without `npm:` and version, `moduleKey` in `transform.ts`): the course's library, its modules that notebooks
 * import by path, tfjs (with its WebAssembly backend) and Observable Plot. Each loads when a cell first imports it: the browser build splits
 * them into chunks (`deno bundle --code-splitting`), so a notebook that never imports tfjs never downloads it.
 *
 * tests/runner_test.ts checks that every import of every notebook is here.
 *
 * @module
 */

type Loader = () => Promise<Record<string, unknown>>;

/** Specifier → its module, loaded on first use. */
export const MODULES: Readonly<Record<string, Loader>> = {
  "@course/lib": () => import("@course/lib"),
  "@course/lib/charts/palette.ts": () => import("@course/lib/charts/palette.ts"),
  "@course/lib/charts/textview.ts": () => import("@course/lib/charts/textview.ts"),
  "@course/lib/course/experiments.ts": () => import("@course/lib/course/experiments.ts"),
  "@course/lib/course/inside.ts": () => import("@course/lib/course/inside.ts"),
  "@course/lib/course/inside_charts.ts": () => import("@course/lib/course/inside_charts.ts"),
  "@course/lib/course/lecture_text.ts": () => import("@course/lib/course/lecture_text.ts"),
  "@course/lib/course/live_training.ts": () => import("@course/lib/course/live_training.ts"),
  "@course/lib/course/next_word_after.ts": () => import("@course/lib/course/next_word_after.ts"),
  "@course/lib/course/next_word_strategies.ts": () => import("@course/lib/course/next_word_strategies.ts"),
  "@course/lib/engine/course_model.ts": () => import("@course/lib/engine/course_model.ts"),
  "@course/lib/engine/prefix_model.ts": () => import("@course/lib/engine/prefix_model.ts"),
  "@course/lib/engine/tfjs.ts": () => import("@course/lib/engine/tfjs.ts"),
  "@course/lib/engine/word_lstm.ts": () => import("@course/lib/engine/word_lstm.ts"),
  "@course/lib/engine/wordlm.ts": () => import("@course/lib/engine/wordlm.ts"),
  "@course/lib/explorer/explorer.ts": () => import("@course/lib/explorer/explorer.ts"),
  "@tensorflow/tfjs": () => import("@tensorflow/tfjs"),
  "@tensorflow/tfjs-backend-wasm": () => import("@tensorflow/tfjs-backend-wasm"),
  "@observablehq/plot": () => import("@observablehq/plot"),
};
