/**
 * An actor's sandbox listener with send credit (see sendCredit.ts): the reply to a blocking send tells the worker
 * the credit the send earned, and the credit goes back when the operation that held it ends.
 */
import { CREDITED_SEND } from '../sandbox/protocol.js';
import type { SandboxListener } from '../sandbox/sandbox.js';
import type { SendCredit } from './sendCredit.js';

/** `listener`, for actor `actorId`, telling its worker the send credit it earns. */
export function withSendCredit(listener: SandboxListener, credit: SendCredit, actorId: string): SandboxListener {
  return {
    hostCall(op, startedAt, iface, fn, args) {
      const reply = listener.hostCall(op, startedAt, iface, fn, args);
      if (fn !== CREDITED_SEND.fn || iface !== CREDITED_SEND.iface) return reply;
      const fresh = credit.takeFresh(actorId, String(args[0]));
      // A send is answered synchronously; the worker holds the credit only when the guest saw ok.
      if (fresh === undefined || reply instanceof Promise || !reply.ok) return reply;
      return { ...reply, credit: fresh };
    },
    // The worker drops its credit when the operation ends; the kernel releases it at the report of that end.
    done(op, startedAt, state, output) {
      credit.release(actorId);
      listener.done(op, startedAt, state, output);
    },
    failed(op, failure) {
      credit.release(actorId);
      listener.failed(op, failure);
    },
    halted() {
      credit.release(actorId);
      listener.halted();
    },
    relocating(unfinished, cause) {
      credit.release(actorId);
      return listener.relocating(unfinished, cause);
    },
    relocated() {
      listener.relocated();
    },
  };
}
