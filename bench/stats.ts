/** Small statistics helpers for the benchmarks. */

/** The p-th percentile (0-100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('expected at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `values`. */
export const median = (values: readonly number[]): number => percentile(values, 50);

/** The smallest and the largest of `values`. */
export function range(values: readonly number[]): [number, number] {
  if (values.length === 0) throw new RangeError('expected at least one value');
  return [Math.min(...values), Math.max(...values)];
}
