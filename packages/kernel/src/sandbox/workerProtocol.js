// @ts-check
/**
 * The values the kernel and a sandbox worker agree on: message kinds, report tags, the layout of the shared control
 * block, and how a host-call reply is matched to its call. Plain JavaScript because sandboxWorker.js runs as is
 * (from src under the `@theater/source` condition, from dist once built) and imports this file; tsc (allowJs)
 * emits it to dist beside the worker with its declarations. protocol.ts types the messages and re-exports these.
 */

/** Kinds of the messages the kernel posts to a worker's parent port (handled between operations, on its event loop). */
export const TO_WORKER = /** @type {const} */ ({ bind: 'bind', prepare: 'prepare', load: 'load' });

/**
 * Kinds of the messages the kernel posts to a worker's inbox port: the worker also reads them while it is blocked in
 * a host call, so they must be handled synchronously. Each one is counted in `CONTROL.signal` after it is posted.
 */
export const INBOX = /** @type {const} */ ({ run: 0, reply: 1, halt: 2, drop: 3 });

/** Kinds of the messages a worker posts to the kernel. */
export const FROM_WORKER = /** @type {const} */ ({
  ready: 'ready',
  prepared: 'prepared',
  loaded: 'loaded',
  loadFailed: 'load-failed',
  batch: 'batch',
});

/**
 * The one host function whose calls may be answered from send credit (see messaging/sendCredit.ts): the worker
 * answers ok at once while it holds credit for the target, and reports the call one-way.
 */
export const CREDITED_SEND = /** @type {const} */ ({ iface: 'theater:simple/message-server-host', fn: 'send' });

/**
 * The host function by which a guest asks to stop once its running operation has committed: the worker starts
 * nothing more of it (operations handed over behind that one never run; the kernel refuses them).
 */
export const SHUTDOWN = /** @type {const} */ ({ iface: 'theater:simple/runtime', fn: 'shutdown' });

/** Tags of the reports a batch carries (`WorkerReport` in protocol.ts). */
export const REPORT = /** @type {const} */ ({ hostCall: 0, done: 1, failed: 2, halted: 3, answered: 4 });

/**
 * Layout of a scheduler worker's shared control block: Int32 slots, then its stack of running operations (innermost
 * last), each frame 16 bytes: resident slot and operation id (Int32), then when it started (Float64, ms since epoch).
 */
export const CONTROL = /** @type {const} */ ({
  /** How many inbox messages the kernel has posted; the worker sleeps on it while blocked in a host call. */
  signal: 0,
  /** How many frames the stack holds (0 when idle). */
  depth: 1,
  /** Byte offset of the first frame. */
  stackByte: 16,
  frameBytes: 16,
  /**
   * Most operations on the stack at once: an operation blocked in a host call lets the worker run other residents'
   * operations above it, up to this depth (beyond it, they wait for the stack to unwind).
   */
  maxDepth: 8,
  /** Byte offset of the answer cells (see directAnswer.ts), after the stack: each an Int32. */
  cellByte: 16 + 8 * 16,
  /** How many requests between co-residents may wait for a direct answer at once. */
  cells: 32,
  /** Size of the block. */
  bytes: 16 + 8 * 16 + 32 * 4,
});

/**
 * Int32 index of answer cell `i`: 0 when free; the requester's host call number while the kernel offers it; that
 * number negated once the worker has taken it (and given the requester the target's reply).
 */
export function answerCell(/** @type {number} */ i) {
  return CONTROL.cellByte / 4 + i;
}

/** Int32 index of the slot of frame `i` (its operation id is at the next index). */
export function frameSlot(/** @type {number} */ i) {
  return (CONTROL.stackByte + i * CONTROL.frameBytes) / 4;
}

/** Float64 index of the start time of frame `i`. */
export function frameStart(/** @type {number} */ i) {
  return (CONTROL.stackByte + i * CONTROL.frameBytes + 8) / 8;
}

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
