/**
 * What notebook 10 found in the course's best model: the units that track a feature of the text.
 *
 * @module
 */

/** A unit of the course's best model that notebook 10's search found tracking a feature of the text. */
interface FoundUnit {
  /** Its index in h and c, 0 to H − 1 (0 to 511 in the course's model). */
  readonly unit: number;
  /** What it tracks, as notebook 10 names it. */
  readonly name: string;
  /** How it moves: the sign and size of tanh(c)'s correlation with the feature on the test text. */
  readonly reads: string;
  /** Whether training made it: false when an untrained control network has a unit that tracks the feature as well. */
  readonly learned: boolean;
}

/**
 * The three units notebook 10 found in `data/models/brown-lstm`, by name, for the model explorer's
 * colouring. `tests/inside_test.ts` reruns the notebook's search and checks each unit, sign and verdict.
 */
export const FOUND_UNITS: readonly FoundUnit[] = [
  {
    unit: 30,
    name: "inside a quotation",
    reads: "lower from an opening `` to its closing '' (r = −0.88), even across sentence ends: the opening mark " +
      "writes −1 into the cell, the closing mark wipes it",
    learned: true,
  },
  {
    unit: 265,
    name: "sentence position",
    reads: "rises as the sentence goes on (r = 0.76 with log(1 + position)); an untrained network has one nearly as " +
      "good (0.65)",
    learned: false,
  },
  {
    unit: 467,
    name: "just read a determiner",
    reads: "jumps on a determiner such as the, a, his (r = 0.91) and is back near 0 on the next word; no untrained " +
      "network comes close (0.34)",
    learned: true,
  },
];
