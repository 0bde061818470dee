/**
 * How an actor hears its sandbox: each report (a host call, a result, a halt, a failure) becomes records in its
 * chain, a commit whose caller is answered once it is durable, and the next step of the actor's lifecycle. Reports
 * come in the order the guest acted.
 */
import type { ActorState, HostImplementation } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { SandboxListener } from '../sandbox/sandbox.js';
import { ACTOR_INTERFACE as ACTOR } from '../component/checkCompatibility.js';
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
  /** The state of the last operation reported done. */
  committed(): ActorState;
  /** True once the actor asked to stop, or is stopping or ended: nothing handed over runs any more. */
  stopping(): boolean;
  /** The actor's sandbox moved to a fresh worker. */
  relocated(): void;
}

/** The sandbox listener of one actor. */
export function createActorListener(actor: ListenedActor): SandboxListener {
  const { queue, recorder } = actor;
  const caller: HostCaller = { record: (event) => recorder.record(event), ended: () => actor.ended() };
  return {
    hostCall(opId, startedAt, iface, fn, args) {
      const op = queue.running(opId);
      if (op === undefined) return dispatchHostCall(actor.host(), caller, iface, fn, args);
      recorder.recordCall(op, startedAt);
      // An operation aborted while this call was pending records nothing after its `wasm.aborted`.
      const forOp: HostCaller = { record: caller.record, ended: () => op.aborted || actor.ended() };
      return dispatchHostCall(actor.host(), forOp, iface, fn, args);
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

    relocating(unfinished, cause) {
      const retry: number[] = [];
      for (const opId of unfinished) {
        const op = queue.running(opId);
        if (op === undefined) continue;
        // The kernel never performed a host call for an operation without a recorded call: its effects stayed in the
        // dead worker, so running it again from the committed state is invisible. One that had made a host call
        // cannot be run again (the call's effects happened): it ends, recorded, and its caller hears why.
        if (!op.callRecorded) {
          // Nothing handed over after a stop was asked for runs (it is refused as the actor stops).
          if (!actor.stopping()) retry.push(opId);
          continue;
        }
        op.aborted = true;
        const message = `its shared worker died while it ran (${cause.kind}: ${cause.message})`;
        if (op.iface === ACTOR && op.fn === 'init') {
          // An actor whose init cannot finish never started: it fails, as any init that did not return.
          recorder.recordError(op, 'init-failed', message);
          actor.fail({ reason: 'init-failed', message, during: `${op.iface}#${op.fn}` });
          return { state: actor.committed(), retry: [] };
        }
        queue.complete(opId);
        recorder.recordAborted(op, message);
        const error = new KernelError(
          'operation-aborted',
          `actor ${actor.name} (${actor.id}): ${op.iface}#${op.fn} was aborted: ${message}`,
        );
        recorder.flush().then(
          () => op.reject(error),
          (cause: unknown) => op.reject(chainWriteFailed(actor.name, actor.id, cause)),
        );
      }
      return { state: actor.committed(), retry };
    },

    relocated() {
      actor.relocated();
    },

    failed(opId, failure) {
      const op = opId === undefined ? undefined : queue.running(opId);
      const actorFailure = operationFailure(op, failure);
      if (op !== undefined) recorder.recordError(op, actorFailure.reason, actorFailure.message);
      actor.fail(actorFailure);
    },
  };
}
