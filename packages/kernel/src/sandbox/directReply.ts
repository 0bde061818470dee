/**
 * Direct replies, the kernel's side: a request between two residents of one worker is answered in the worker. While
 * the kernel dispatches a blocking host call it names that call (withBlockingCall), so a request made by it can offer
 * the target's reply to the requester in place; the target's handle-request is handed over marked with the call, and
 * the worker resumes the requester as soon as the target returns a reply (directReplyCells.js decides who answers).
 * The kernel still records everything as before, in order: the target's events, then (once they are durable) the
 * requester's host call; the requester's later reports wait until it is recorded, so none of its host calls runs before.
 */
import type { SchedulerThread } from './schedulerThread.js';

/** A requester's blocking host call: the worker it is blocked in, and the call's number there. */
export interface BlockingCall {
  readonly thread: SchedulerThread;
  readonly call: number;
}

/** An operation's offer to answer `call` in place; `answered` hears the target's output (undefined: the worker died). */
export interface ReplyTo extends BlockingCall {
  readonly answered: (output: unknown) => void;
}

let current: BlockingCall | undefined;

/**
 * Whether a blocking call of `iface#fn` may be answered in place: only message-server-host's `request`, whose reply
 * is the target's reply as it is (a host function that made a request and answered something else must not be).
 */
export function answersWithReply(iface: string, fn: string): boolean {
  return fn === 'request' && iface === 'theater:simple/message-server-host';
}

/** Runs the dispatch of a blocking host call with it named as the current one. */
export function withBlockingCall<T>(blocking: BlockingCall, dispatch: () => T): T {
  const outer = current;
  current = blocking;
  try {
    return dispatch();
  } finally {
    current = outer;
  }
}

/** The blocking host call being dispatched right now, if any: a request made synchronously within it is that call's. */
export function currentBlockingCall(): BlockingCall | undefined {
  return current;
}
