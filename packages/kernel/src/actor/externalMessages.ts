/**
 * Messages from outside the system (the API, the CLI, a test) through an actor's handle: checked and copied here, then
 * put through the router like any actor's, so the same refusals apply. A request's timeout names the manifest limit.
 */
import { KernelError, isKernelError } from '../kernelError.js';
import type { ActorInstance } from './actorInstance.js';
import type { MessageRouter } from '../messaging/messageRouter.js';

/** Sends `message` to `actor`'s handle-send; resolves once it has run and its state is committed. */
export function sendFromOutside(router: MessageRouter, actor: ActorInstance, message: Uint8Array): Promise<void> {
  try {
    assertBytes(message, 'message');
    // Copied: the caller may reuse its buffer, and the chain must record the bytes the guest received.
    return router.send(undefined, actor, message.slice());
  } catch (error) {
    // A refusal is the returned promise's rejection, as from any async send.
    return Promise.reject(error);
  }
}

/** Sends a request to `actor` and resolves with its reply, waiting up to its call timeout. */
export async function requestFromOutside(router: MessageRouter, actor: ActorInstance, message: Uint8Array): Promise<Uint8Array> {
  assertBytes(message, 'message');
  const timeoutMs = actor.manifest.limits.callTimeoutMs;
  try {
    return await router.request(undefined, actor, message.slice(), timeoutMs);
  } catch (error) {
    if (!isKernelError(error, 'request-timeout')) throw error;
    throw new KernelError(
      'request-timeout',
      `actor ${actor.name} (${actor.id}) did not answer the request within ${timeoutMs} ms (limits.call_timeout_ms)`,
      { cause: error },
    );
  }
}

/** Calls one of `actor`'s exports with a copy of `params` (the WIT params tuple), in mailbox order. */
export function callFromOutside(actor: ActorInstance, iface: string, fn: string, params: readonly unknown[]): Promise<unknown> {
  if (!Array.isArray(params)) throw new TypeError('expected params as an array (the WIT params tuple)');
  try {
    return actor.enqueue(iface, fn, structuredClone(params));
  } catch (error) {
    return Promise.reject(error instanceof KernelError ? error : new TypeError(`params cannot be sent to the actor: ${String(error)}`));
  }
}

function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`expected ${what} as a Uint8Array, got ${typeof value}`);
}
