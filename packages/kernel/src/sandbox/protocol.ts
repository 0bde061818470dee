/** Messages between the kernel and a sandbox worker. */
import type { MessagePort } from 'node:worker_threads';
import type { CompiledModules } from '../component/componentCache.js';
import type { FROM_WORKER, REPORT, TO_WORKER } from './workerProtocol.js';

// The values both threads use live in workerProtocol.js, which the untranspiled worker imports as is.
export { CONTROL, FROM_WORKER, REPORT, replyTo, SandboxProtocolError, TO_WORKER } from './workerProtocol.js';

/** One export call to make: id, export interface (`theater:simple/actor`), JS function name (`init`), params. */
export type OperationMessage = readonly [id: number, iface: string, fn: string, params: readonly unknown[]];

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

/** Kernel to worker. */
export type ToWorker =
  /** Instantiate ahead of time, so a later spawn of the same component only attaches. */
  | ({ readonly kind: typeof TO_WORKER.prepare } & InstanceSpec)
  | ({
      readonly kind: typeof TO_WORKER.load;
      readonly control: SharedArrayBuffer;
      readonly hostPort: MessagePort;
      readonly state: Uint8Array | undefined;
      /** Absent when the worker is known to have instantiated this component already. */
      readonly modules: InstanceSpec['modules'] | undefined;
    } & Omit<InstanceSpec, 'modules'>)
  | { readonly kind: typeof TO_WORKER.run; readonly ops: readonly OperationMessage[] };

/** How an operation failed inside the guest. */
export interface GuestFailure {
  readonly kind: 'guest-error' | 'trap' | 'out-of-memory' | 'internal';
  readonly message: string;
}

/** Worker to kernel. */
export type FromWorker =
  | { readonly kind: typeof FROM_WORKER.ready }
  | { readonly kind: typeof FROM_WORKER.prepared; readonly key: string; readonly ok: boolean }
  | { readonly kind: typeof FROM_WORKER.loaded; readonly instantiateMs: number; readonly prepared: boolean }
  | { readonly kind: typeof FROM_WORKER.loadFailed; readonly message: string }
  /** What the guest did since the last batch, in order. */
  | { readonly kind: typeof FROM_WORKER.batch; readonly items: readonly WorkerReport[] };

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
  | readonly [tag: typeof REPORT.halted];

/** The imported functions as `[interface, wit-name]`, in the order both threads number them. */
export function importTable(imports: InstanceSpec['imports']): (readonly [iface: string, fn: string])[] {
  return Object.entries(imports).flatMap(([iface, functions]) => Object.values(functions).map((fn) => [iface, fn] as const));
}

/** The kernel's answer to a host call. */
export type HostReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string; readonly fatal: boolean };

/** A host reply as posted to the worker: with the number of the call it answers (see `replyTo`). */
export type HostReplyMessage = HostReply & { readonly call: number };
