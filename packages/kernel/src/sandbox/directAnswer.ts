/**
 * Direct answers between co-residents. When actor A requests actor B and both run in the same shared worker, the
 * worker may hand B's reply to A the moment B returns it, instead of A waiting for the kernel to hear of B's result
 * and post the reply back: two thread crossings fewer per request. The kernel offers each such request an answer
 * cell in the worker's control block holding A's host call number; the worker takes it (compare-exchange to the
 * negated number) when B returns a reply, and reports the answer in A's reports. Whoever claims the cell first
 * decides A's reply: the kernel claims it before giving A anything else (a timeout, B's failure), and once the worker
 * has taken it the kernel gives A the reply the worker gave: recorded in A's chain when the worker reports it, while
 * A's results are acknowledged only once B's events (and what they in turn depend on) are durable.
 *
 * Only a host function whose result is exactly the target's reply may be answered this way: the message-server
 * handler's `request` is marked with `forwardsReply`.
 */
import type { SchedulerThread } from './schedulerThread.js';

/** A request that a co-resident's worker may answer directly: shared by the router, the target's sandbox and the thread. */
export interface DirectAnswer {
  /** The requester's thread, and its host call number there. */
  readonly thread: SchedulerThread;
  readonly call: number;
  /** The answer cell offered for it (-1 while none is). */
  cell: number;
  /** Set once the worker has taken the cell: the requester saw the target's reply. */
  taken: boolean;
  /** Set once the request is settled: it is offered no cell any more. */
  closed: boolean;
  /** The worker gave the requester `reply` (it is reported in the requester's reports). */
  answered(reply: Uint8Array): void;
  /** The requester's thread died with the cell offered or taken. */
  lost(): void;
}

/** The blocking host call being dispatched, if any (set by the sandbox while its listener handles the call). */
let site: { readonly thread: SchedulerThread; readonly call: number } | undefined;

/** A blocking host call whose request a co-resident may answer directly. */
export interface DirectSite {
  readonly thread: SchedulerThread;
  readonly call: number;
  /** Records the call as answered with `reply` (at once: the guest has it, and its next reports follow). */
  readonly record: (reply: Uint8Array) => void;
}

/** The site, while a function marked `forwardsReply` runs for it: what `takeDirectSite` hands out (once). */
let armed: DirectSite | undefined;

/** Runs `dispatch` as blocking host call number `call` of a resident of `thread`. */
export function atHostCall<T>(thread: SchedulerThread, call: number, dispatch: () => T): T {
  site = { thread, call };
  try {
    return dispatch();
  } finally {
    site = undefined;
  }
}

const FORWARDS_REPLY = Symbol('theater.forwardsReply');

/**
 * Marks `fn` (and returns it): its result is exactly the reply of the request it makes with `messaging.request`, so a
 * co-resident target's reply may reach the guest directly from the worker.
 */
export function forwardsReply<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.defineProperty(fn, FORWARDS_REPLY, { value: true });
  return fn;
}

/**
 * Runs `implementation` (a granted host function): a marked one may have its request answered directly, and then
 * `record` records the answer.
 */
export function callImplementation<T>(
  implementation: (...args: readonly unknown[]) => T,
  args: readonly unknown[],
  record: (reply: Uint8Array) => void,
): T {
  if ((implementation as { [FORWARDS_REPLY]?: boolean })[FORWARDS_REPLY] !== true || site === undefined) return implementation(...args);
  armed = { thread: site.thread, call: site.call, record };
  try {
    return implementation(...args);
  } finally {
    armed = undefined;
  }
}

/** The host call a request being made now answers, if a marked function makes it; at most once per call. */
export function takeDirectSite(): DirectSite | undefined {
  const taken = armed;
  armed = undefined;
  return taken;
}
