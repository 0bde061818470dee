/** The `--json` output of `theater run`: a run report with its bytes decoded. */
import type { FailureReason, SpawnTimings } from '@theater/kernel';
import { decodeBytes } from './decodeBytes.js';
import type { RunReport } from './runActor.js';

/** What `theater run --json` prints. */
export interface RunJson {
  readonly actorId: string;
  readonly name: string;
  readonly componentHash: string;
  readonly logs: readonly { readonly message: string; readonly time: string }[];
  /** `reply` is the UTF-8 text (null when there was no reply or it is binary); `replyHex` the raw bytes. */
  readonly replies: readonly { readonly request: string; readonly reply: string | null; readonly replyHex: string | null }[];
  /** The final state parsed as JSON, or null when it is not JSON. */
  readonly state: unknown;
  /** The final state as UTF-8 text, or null when it is binary or absent. */
  readonly stateText: string | null;
  /** The final state's bytes in hex, or null when the actor has no state. */
  readonly stateHex: string | null;
  /** Number of events in the actor's chain. */
  readonly events: number;
  /** Messages delivered. */
  readonly delivered: number;
  readonly spawn: SpawnTimings | null;
  readonly failure: { readonly reason: FailureReason; readonly message: string; readonly during: string | null } | null;
  readonly stoppedItself: boolean;
}

/** Converts a run report to its JSON form. */
export function toRunJson(report: RunReport): RunJson {
  const state = report.state === undefined ? undefined : decodeBytes(report.state);
  return {
    actorId: report.actorId,
    name: report.name,
    componentHash: report.componentHash,
    logs: report.logs.map((entry) => ({ message: entry.message, time: new Date(entry.time).toISOString() })),
    replies: report.replies.map((entry) => {
      const reply = entry.reply === undefined ? undefined : decodeBytes(entry.reply);
      return { request: entry.request, reply: reply?.text ?? null, replyHex: reply?.hex ?? null };
    }),
    state: state?.json === undefined ? null : state.json.value,
    stateText: state?.text ?? null,
    stateHex: state?.hex ?? null,
    events: report.events,
    delivered: report.delivered,
    spawn: report.spawn === undefined ? null : roundTimings(report.spawn),
    failure: report.failure === undefined ? null : { ...report.failure, during: report.failure.during ?? null },
    stoppedItself: report.stoppedItself,
  };
}

function roundTimings(timings: SpawnTimings): SpawnTimings {
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    cache: timings.cache,
    transpileMs: round(timings.transpileMs),
    instantiateMs: round(timings.instantiateMs),
    prepared: timings.prepared,
    totalMs: round(timings.totalMs),
  };
}
