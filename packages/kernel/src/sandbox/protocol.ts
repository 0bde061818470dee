/** Messages between the kernel and a sandbox worker. */
import type { MessagePort } from 'node:worker_threads';

/** Layout of the shared control block (Int32 slots, then a Float64). */
export const CONTROL = {
  /** Set to 1 by the kernel when a host-call reply is waiting on the host port. */
  replyReady: 0,
  /** Id of the operation the guest is running, -1 when idle. */
  runningOp: 1,
  /** Byte offset of the Float64 holding when that operation started (ms since epoch). */
  startedAtByte: 8,
  bytes: 16,
} as const;

/** One export call to make. */
export interface OperationMessage {
  readonly id: number;
  /** Export interface, e.g. `theater:simple/message-server-client`. */
  readonly iface: string;
  /** JS name of the function, e.g. `handleSend`. */
  readonly fn: string;
  readonly params: readonly unknown[];
}

/** Kernel to worker. */
export type ToWorker =
  | {
      readonly kind: 'load';
      readonly gluePath: string;
      readonly modules: Readonly<Record<string, WebAssembly.Module>>;
      /** Imported interfaces and their functions: JS name to WIT name. */
      readonly imports: Readonly<Record<string, Readonly<Record<string, string>>>>;
      /** Functions returning `result`, as `interface#wit-name`. */
      readonly fallible: readonly string[];
      /** Functions that return nothing and cannot fail (`runtime.log`): the guest does not wait for them. */
      readonly oneWay: readonly string[];
      readonly control: SharedArrayBuffer;
      readonly hostPort: MessagePort;
      readonly state: Uint8Array | undefined;
      readonly memoryLimitBytes: number;
    }
  | { readonly kind: 'run'; readonly ops: readonly OperationMessage[] };

/** How an operation failed inside the guest. */
export interface GuestFailure {
  readonly kind: 'guest-error' | 'trap' | 'out-of-memory' | 'internal';
  readonly message: string;
}

/** Worker to kernel. */
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'loaded'; readonly instantiateMs: number }
  | { readonly kind: 'load-failed'; readonly message: string }
  /** What the guest did since the last batch, in order. */
  | { readonly kind: 'batch'; readonly items: readonly WorkerReport[] };

/** One report of a batch. */
export type WorkerReport =
  | {
      readonly kind: 'host-call';
      /** True when the guest is not waiting for a reply. */
      readonly oneWay: boolean;
      readonly op: number;
      readonly startedAt: number;
      readonly iface: string;
      readonly fn: string;
      readonly args: readonly unknown[];
    }
  | {
      readonly kind: 'done';
      readonly op: number;
      readonly startedAt: number;
      readonly state: Uint8Array | undefined;
      readonly output: unknown;
    }
  | { readonly kind: 'failed'; readonly op: number; readonly startedAt: number; readonly failure: GuestFailure };

/** The kernel's answer to a host call. */
export type HostReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string; readonly fatal: boolean };
