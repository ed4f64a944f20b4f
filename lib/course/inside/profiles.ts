/**
 * Profiles of one unit over a text, for notebook 10's pictures: its values by sentence position, and split
 * in two by a 0/1 feature.
 *
 * @module
 */

/**
 * A unit's values by sentence position: for every n reached by at least `minCount` sentences, the
 * mean of the values after the n-th token, standardised (minus the mean over the text, over its
 * standard deviation) so that units of different scales can share an axis.
 *
 * @param values one value per token `[T]` (e.g. a unit's tanh(c))
 * @param sentencePosition per token, how many tokens of its sentence have been read (`textFeatures`)
 * @throws {RangeError} if the two lengths differ or the values do not vary
 */
export function positionProfile(
  values: ArrayLike<number>,
  sentencePosition: ArrayLike<number>,
  minCount = 20,
): { n: number; mean: number }[] {
  if (values.length !== sentencePosition.length || values.length === 0) {
    throw new RangeError(
      `Cannot profile by position: ${values.length} values for ${sentencePosition.length} positions, expected the same, > 0`,
    );
  }
  let mean = 0;
  for (let t = 0; t < values.length; t++) mean += values[t] / values.length;
  let variance = 0;
  for (let t = 0; t < values.length; t++) variance += (values[t] - mean) ** 2 / values.length;
  const sd = Math.sqrt(variance);
  if (!(sd > 0)) throw new RangeError("Cannot profile by position: the values do not vary");
  const sums = new Map<number, { total: number; count: number }>();
  for (let t = 0; t < values.length; t++) {
    const s = sums.get(sentencePosition[t]) ?? { total: 0, count: 0 };
    s.total += (values[t] - mean) / sd;
    s.count++;
    sums.set(sentencePosition[t], s);
  }
  return [...sums].filter(([, s]) => s.count >= minCount).map(([n, s]) => ({ n, mean: s.total / s.count }))
    .sort((a, b) => a.n - b.n);
}

/**
 * One value per token split into two labelled groups by a 0/1 feature, the labels counting the
 * tokens: `inside a quotation (1,234 tokens)` and `outside (6,766)`.
 */
export function splitByFeature(
  values: ArrayLike<number>,
  flag: ArrayLike<number>,
  yes: string,
  no: string,
): { labels: [string, string]; data: { value: number; where: string }[] } {
  if (values.length !== flag.length) {
    throw new RangeError(`Cannot split by feature: ${values.length} values for ${flag.length} flags`);
  }
  let n = 0;
  for (let t = 0; t < flag.length; t++) n += flag[t] ? 1 : 0;
  const labels: [string, string] = [
    `${yes} (${n.toLocaleString("en-US")} tokens)`,
    `${no} (${(flag.length - n).toLocaleString("en-US")})`,
  ];
  return { labels, data: Array.from(values, (value, t) => ({ value, where: flag[t] ? labels[0] : labels[1] })) };
}
