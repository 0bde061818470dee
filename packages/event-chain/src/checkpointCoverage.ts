/**
 * How far a chain's signed checkpoints reach: a checkpoint vouches for its event and, through the hash links, for
 * every event before it, but for nothing after it. A chain whose checkpoints were stripped (or that was cut after
 * its last one) verifies, yet nothing vouches for its end: this tells how many trailing events are in that case.
 */

/** What the newest checkpoint covers. */
export interface CheckpointCoverage {
  /** Events up to and including the newest checkpoint's seq; 0 when there is no checkpoint. */
  readonly signedEvents: number;
  /** Events after the newest checkpoint; 0 when it signs the head. */
  readonly unsignedEvents: number;
}

/**
 * The coverage of a chain of `events` events by `checkpoints` (their seqs, in any order). Meaningful once the chain
 * verified with these checkpoints (each validly signed, by a trusted key when that was asked, matching its event).
 * @example
 * const { unsignedEvents } = checkpointCoverage(13, [{ seq: 9 }]); // 3: events 10, 11 and 12 are not signed
 */
export function checkpointCoverage(events: number, checkpoints: readonly { readonly seq: number }[]): CheckpointCoverage {
  if (!Number.isSafeInteger(events) || events < 0) throw new RangeError(`expected events as a non-negative integer, got ${String(events)}`);
  let newest = -1;
  for (const { seq } of checkpoints) {
    if (!Number.isSafeInteger(seq) || seq < 0)
      throw new RangeError(`expected checkpoint seqs as non-negative integers, got ${String(seq)}`);
    if (seq > newest) newest = seq;
  }
  // A checkpoint past the end means a truncated chain, which verification reports; it covers no more than the chain.
  const signedEvents = Math.min(newest + 1, events);
  return { signedEvents, unsignedEvents: events - signedEvents };
}
