/** Counts with their noun: `1 event`, `13 events`. */

/** `n` and the noun, plural unless `n` is 1 (the plural adds an `s`). */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
