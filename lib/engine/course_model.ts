/**
 * Where the course's trained word model is kept: data/models/brown-lstm, made by `deno task fullrun` and stored
 * in float16; notebooks 08, 10 and 10a and `deno task nextword` load it with `loadWordLM`.
 *
 * @module
 */

import { repoPath } from "../core/platform.ts";

/**
 * The folder of the course's trained model, data/models/brown-lstm, as a path of the system that works from any
 * working directory: a notebook's kernel runs in `notebooks/` under nbconvert and at the repository root under
 * `jupyter notebook`. The folder is found from the library's place in the repository; in a browser it is the
 * URL of the site's copy (`lib/core/platform.ts`), which `loadWordLM` reads the same way.
 *
 * @example
 * ```ts
 * import { courseModelDir } from "@course/lib/engine/course_model.ts";
 * import { join } from "node:path";
 * import assert from "node:assert/strict";
 *
 * assert.ok(courseModelDir().endsWith(join("data", "models", "brown-lstm")));
 * ```
 */
export function courseModelDir(): string {
  return repoPath("data/models/brown-lstm");
}
