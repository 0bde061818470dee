/** Messages between the kernel and a scheduler worker. */
import type { MessagePort } from 'node:worker_threads';
import type { CompiledModules } from '../component/componentCache.js';
import type { FROM_WORKER, INBOX, REPORT, TO_WORKER } from './workerProtocol.js';

// The values both threads use live in workerProtocol.js, which the untranspiled worker imports as is.
export {
  answerCell,
  CONTROL,
  CREDITED_SEND,
  FROM_WORKER,
  frameSlot,
  frameStart,
  INBOX,
  REPORT,
  replyTo,
  SandboxProtocolError,
  TO_WORKER,
} from './workerProtocol.js';

/**
 * One export call to make: id, export interface (`theater:simple/actor`), JS function name (`init`), params, and, for
 * a co-resident's request offered an answer cell (see directAnswer.ts), the cell and the requester's call number.
 */
export type OperationMessage = readonly [id: number, iface: string, fn: string, params: readonly unknown[], cell?: number, call?: number];

/** What a worker needs to instantiate a component (before any actor is attached to it). */
export interface InstanceSpec {
  /** Identifies the component and memory cap: a worker prepared for the same key can skip instantiation. */
  readonly key: string;
  readonly gluePath: string;
  readonly modules: CompiledModules;
  /** Imported interfaces and their functions: JS name to WIT name. */
  readonly imports: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Functions returning `result`, as `interface#wit-name`. */
  readonly fallible: readonly string[];
  /** Functions that return nothing and cannot fail (`runtime.log`): the guest does not wait for them. */
  readonly oneWay: readonly string[];
  readonly memoryLimitBytes: number;
}

/** Kernel to worker, on its parent port. */
export type ToWorker =
  /** Hands the worker its control block and inbox (once, before its first load). */
  | { readonly kind: typeof TO_WORKER.bind; readonly control: SharedArrayBuffer; readonly inbox: MessagePort }
  /**
   * Instantiate component `key` ahead of time, so a later spawn of it only attaches. The worker keeps at most `keep`
   * such spares (default 1), dropping the oldest. `spec` is absent when the worker has seen this component.
   */
  | {
      readonly kind: typeof TO_WORKER.prepare;
      readonly key: string;
      readonly spec: InstanceSpec | undefined;
      readonly keep?: number;
    }
  /** Instantiates (or adopts the prepared instance of) component `key` as resident `slot`, with this state. */
  | {
      readonly kind: typeof TO_WORKER.load;
      readonly key: string;
      /** Absent when the worker has seen this component already. */
      readonly spec: InstanceSpec | undefined;
      readonly slot: number;
      readonly state: Uint8Array | undefined;
    };

/** Kernel to worker, on its inbox: read also while the worker is blocked in a host call. */
export type InboxMessage =
  | readonly [kind: typeof INBOX.run, slot: number, ops: readonly OperationMessage[]]
  | readonly [kind: typeof INBOX.reply, reply: HostReplyMessage]
  /** Stop the resident before its next operation (`halted` follows). */
  | readonly [kind: typeof INBOX.halt, slot: number]
  /** Forget the resident: nothing of it runs or is reported any more. */
  | readonly [kind: typeof INBOX.drop, slot: number];

/** How an operation failed inside the guest. */
export interface GuestFailure {
  readonly kind: 'guest-error' | 'trap' | 'out-of-memory' | 'internal';
  readonly message: string;
}

/** Worker to kernel. */
export type FromWorker =
  | { readonly kind: typeof FROM_WORKER.ready }
  | { readonly kind: typeof FROM_WORKER.prepared; readonly key: string; readonly ok: boolean }
  | { readonly kind: typeof FROM_WORKER.loaded; readonly slot: number; readonly instantiateMs: number; readonly prepared: boolean }
  | { readonly kind: typeof FROM_WORKER.loadFailed; readonly slot: number; readonly message: string }
  /** What the guests did since the last batch, in order; `slots[i]` is the resident `items[i]` is about. */
  | { readonly kind: typeof FROM_WORKER.batch; readonly items: readonly WorkerReport[]; readonly slots: readonly number[] };

/**
 * One report of a batch, as a tuple: reports cross threads by structured clone for every operation, and tuples
 * with a numeric function index clone several times faster than objects with named fields.
 */
export type WorkerReport =
  /**
   * A host call: `fn` indexes `importTable(spec.imports)`; `oneWay` is 1 when the guest does not wait. `call` numbers
   * the blocking calls of this worker from 1 (0 for a one-way call): the reply must carry it back.
   */
  | readonly [tag: typeof REPORT.hostCall, op: number, startedAt: number, fn: number, args: readonly unknown[], oneWay: 0 | 1, call: number]
  | readonly [tag: typeof REPORT.done, op: number, startedAt: number, state: Uint8Array | undefined, output: unknown]
  | readonly [tag: typeof REPORT.failed, op: number, startedAt: number, failure: GuestFailure]
  /** The worker saw `halt` and runs nothing more. */
  | readonly [tag: typeof REPORT.halted]
  /**
   * The worker gave blocking call number `call` the reply of a co-resident's request, from answer
   * cell `cell` (see directAnswer.ts): the kernel answers that call with it and sends no reply of its own.
   */
  | readonly [tag: typeof REPORT.answered, call: number, cell: number, reply: Uint8Array];

/** The imported functions as `[interface, wit-name]`, in the order both threads number them. */
export function importTable(imports: InstanceSpec['imports']): (readonly [iface: string, fn: string])[] {
  return Object.entries(imports).flatMap(([iface, functions]) => Object.values(functions).map((fn) => [iface, fn] as const));
}

/** The kernel's answer to a host call. */
export type HostReply =
  /** `credit`: sends to the same target the worker may answer ok at once, see messaging/sendCredit.ts. */
  | { readonly ok: true; readonly value: unknown; readonly credit?: number }
  | { readonly ok: false; readonly error: string; readonly fatal: boolean };

/** A host reply as posted to the worker: with the number of the call it answers (see `replyTo`). */
export type HostReplyMessage = HostReply & { readonly call: number };
