// @ts-check
/**
 * The values the kernel and a sandbox worker agree on: message kinds, report tags, the layout of the shared control
 * block, and how a host-call reply is matched to its call. Plain JavaScript because sandboxWorker.js runs as is
 * (from src under the `@theater/source` condition, from dist once built) and imports this file; tsc (allowJs)
 * emits it to dist beside the worker with its declarations. protocol.ts types the messages and re-exports these.
 */

/** Kinds of the messages the kernel posts to a worker. */
export const TO_WORKER = /** @type {const} */ ({ prepare: 'prepare', load: 'load', run: 'run' });

/** Kinds of the messages a worker posts to the kernel. */
export const FROM_WORKER = /** @type {const} */ ({
  ready: 'ready',
  prepared: 'prepared',
  loaded: 'loaded',
  loadFailed: 'load-failed',
  batch: 'batch',
});

/** Tags of the reports a batch carries (`WorkerReport` in protocol.ts). */
export const REPORT = /** @type {const} */ ({ hostCall: 0, done: 1, failed: 2, halted: 3 });

/** Layout of the shared control block: Int32 slots, then a Float64 at `startedAtByte`. */
export const CONTROL = /** @type {const} */ ({
  /** Set to 1 by the kernel when a host-call reply is waiting on the host port. */
  replyReady: 0,
  /** Id of the operation the guest is running, -1 when idle. */
  runningOp: 1,
  /** Set to 1 by the kernel to stop the worker before its next operation. */
  halt: 2,
  /** Byte offset of the Float64 holding when that operation started (ms since epoch): after the three Int32 slots, 8-aligned. */
  startedAtByte: 8,
  /** Size of the block: the Float64 ends at byte 16. */
  bytes: 16,
});

/**
 * The two threads disagree about which host call a reply answers: the actor fails rather than the guest getting
 * another call's answer. It has no `payload`, so jco's glue rethrows it even from a `result`-returning import (only
 * errors with a payload become `err` values the guest sees).
 */
export class SandboxProtocolError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SandboxProtocolError';
  }
}

/**
 * Returns `message` as the reply to blocking host call number `call`, or throws SandboxProtocolError when it answers
 * another call (or is no reply at all). The worker numbers its blocking calls from 1; the kernel echoes the number.
 * @param {number} call
 * @param {unknown} message
 * @returns {import('./protocol.js').HostReplyMessage}
 */
export function replyTo(call, message) {
  const answered = typeof message === 'object' && message !== null && 'call' in message ? message.call : undefined;
  if (answered === call) return /** @type {import('./protocol.js').HostReplyMessage} */ (message);
  throw new SandboxProtocolError(
    typeof answered === 'number'
      ? `host call ${call} got the reply to host call ${answered}`
      : `host call ${call} got a message that is no host-call reply`,
  );
}
