/**
 * How an actor hears its sandbox: each report (a host call, a result, a halt, a failure) becomes records in its
 * chain, a commit whose caller is answered once it is durable, and the next step of the actor's lifecycle. Reports
 * come in the order the guest acted.
 */
import type { ActorState, HostImplementation } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { SandboxListener } from '../sandbox/sandbox.js';
import { operationFailure, type ActorFailure } from './actorFailure.js';
import { chainWriteFailed, messageOf, type ActorRecorder } from './actorRecorder.js';
import { dispatchHostCall, type HostCaller } from './hostDispatch.js';
import type { OperationQueue } from './operationQueue.js';

/** The actor a listener reports to. */
export interface ListenedActor {
  readonly name: string;
  readonly id: string;
  readonly queue: OperationQueue;
  readonly recorder: ActorRecorder;
  /** The actor's granted host functions (attached when it starts). */
  host(): HostImplementation;
  /** True once the actor has stopped or failed. */
  ended(): boolean;
  /** An operation returned this state (committed once its events are durable). */
  commit(state: ActorState): void;
  /** An operation is done: the actor stops if it asked to, else its queue moves on. */
  next(): void;
  fail(failure: ActorFailure): void;
}

/** The sandbox listener of one actor. */
export function createActorListener(actor: ListenedActor): SandboxListener {
  const { queue, recorder } = actor;
  const caller: HostCaller = { record: (event) => recorder.record(event), ended: () => actor.ended() };
  return {
    hostCall(opId, startedAt, iface, fn, args) {
      const op = queue.running(opId);
      if (op !== undefined) recorder.recordCall(op, startedAt);
      return dispatchHostCall(actor.host(), caller, iface, fn, args);
    },

    done(opId, startedAt, state, output) {
      const op = queue.complete(opId);
      if (op === undefined) return;
      actor.commit(state);
      recorder.recordResult(op, startedAt, state, output);
      op.onOutput?.(output);
      // The caller hears the result only once its events are durable; flushes resolve in recording order.
      recorder.flush().then(
        () => op.resolve(output),
        (error: unknown) => {
          op.reject(chainWriteFailed(actor.name, actor.id, error));
          actor.fail({
            reason: 'internal',
            message: `its chain could not be written: ${messageOf(error)}`,
            during: `${op.iface}#${op.fn}`,
          });
        },
      );
      actor.next();
    },

    halted() {
      queue.rejectInFlight(new KernelError('actor-not-running', `actor ${actor.name} (${actor.id}) stopped before this operation ran`));
    },

    failed(opId, failure) {
      const op = opId === undefined ? undefined : queue.running(opId);
      const actorFailure = operationFailure(op, failure);
      if (op !== undefined) recorder.recordError(op, actorFailure.reason, actorFailure.message);
      actor.fail(actorFailure);
    },
  };
}
