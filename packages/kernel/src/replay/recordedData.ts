/**
 * The recorded events a replay acts on (the spawn, each export call, each host call, the stop), read through the
 * chain event vocabulary. A chain can verify and still hold data that does not decode, or not in the shape its
 * event type records (its hashes recomputed after the change, its checkpoints stripped): that is a KernelError
 * `invalid-chain` naming the event and the field ("event 4 (wasm.call) cannot be replayed: expected params as an
 * array"), never a SyntaxError or TypeError from deep inside the replay.
 */
import type { ChainEvent } from '@theater/event-chain';
import {
  InvalidChainEventError,
  actorRestartEvent,
  actorSpawnEvent,
  actorStopEvent,
  hostCallEvent,
  wasmCallEvent,
  type HostCallEventData,
  type SpawnEventData,
  type StopEventData,
  type WasmCallEventData,
} from '../chain/chainEvents.js';
import { KernelError } from '../kernelError.js';

/** The recorded spawn: its component hash, manifest (the fields a replay reads), initial state and parent. */
export function recordedSpawn(event: ChainEvent): SpawnEventData {
  return forReplay(event, actorSpawnEvent.decode);
}

/** A recorded restart (or resume): the component, manifest and state the actor started again with. */
export function recordedRestart(event: ChainEvent): SpawnEventData {
  return forReplay(event, actorRestartEvent.decode);
}

/** A recorded export call: its interface, function and params. */
export function recordedCall(event: ChainEvent): WasmCallEventData {
  return forReplay(event, wasmCallEvent.decode);
}

/** A recorded stop: who stopped the actor. */
export function recordedStop(event: ChainEvent): StopEventData {
  return forReplay(event, actorStopEvent.decode);
}

/** A recorded host call: its outcome, and what it withheld. */
export function recordedHostCall(event: ChainEvent): HostCallEventData {
  return forReplay(event, (recorded) => hostCallEvent.decode(recorded));
}

function forReplay<T>(event: ChainEvent, decode: (event: ChainEvent) => T): T {
  try {
    return decode(event);
  } catch (error) {
    if (!(error instanceof InvalidChainEventError)) throw error;
    throw new KernelError('invalid-chain', `event ${error.seq} (${error.eventType}) cannot be replayed: ${error.problem}`, {
      cause: error.cause ?? error,
    });
  }
}
