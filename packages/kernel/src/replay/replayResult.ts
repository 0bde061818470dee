/** What a replay found. */

/** One side of a divergence: an event's type and decoded data, or nothing where the other side has an event. */
export interface ReplayedEvent {
  readonly type: string;
  /** The event's data, decoded (JSON with bytes and bigints restored). */
  readonly data: unknown;
  /** SHA-256 of the event, hex. */
  readonly hash: string;
}

/** The first event where the replay differs from the recorded chain. */
export interface ReplayDivergence {
  /** Index (seq) of the first differing event. */
  readonly index: number;
  /** The recorded event there; undefined when the replay recorded more events than the chain has. */
  readonly expected: ReplayedEvent | undefined;
  /** The replayed event there; undefined when the replay ended before it. */
  readonly actual: ReplayedEvent | undefined;
  /** A sentence saying what differs. */
  readonly reason: string;
}

/** The verdict of a replay. */
export interface ReplayResult {
  /** True when the replayed chain is hash-for-hash identical to the recorded one. */
  readonly ok: boolean;
  readonly actorId: string;
  /** Events compared (all of them when `ok`). */
  readonly events: number;
  /** The component hash the chain records, and the one that ran (different when a substitute was given). */
  readonly recordedComponent: string;
  readonly replayedComponent: string;
  readonly divergence: ReplayDivergence | undefined;
  readonly durationMs: number;
}
