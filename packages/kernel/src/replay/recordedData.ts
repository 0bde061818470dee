/**
 * The recorded data a replay acts on (the spawn, each export call, the stop), decoded and checked. A chain can
 * verify and still hold data that does not decode, or not in the shape its event type records (its hashes
 * recomputed after the change, its checkpoints stripped): that is a KernelError `invalid-chain` naming the event,
 * never a SyntaxError or TypeError from deep inside the replay.
 */
import { decodeEventData, type ChainEvent } from '@theater/event-chain';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import { LIMIT_MAXIMUMS } from '../manifest/manifestSchema.js';

/** What an `actor.spawn` event records that a replay needs. */
export interface RecordedSpawn {
  readonly component: string;
  readonly manifest: Manifest;
  readonly state: Uint8Array | null;
  /** The supervising actor's id, or null for an actor spawned from outside. */
  readonly parent: string | null;
}

/** What a `wasm.call` event records. */
export interface RecordedCall {
  readonly interface: string;
  readonly function: string;
  readonly params: readonly unknown[];
}

/** What an `actor.stop` event records that a replay needs. */
export interface RecordedStop {
  readonly by: string;
}


/** The decoded data of a recorded event; `invalid-chain` when it is not event data (JSON). */
export function recordedData(event: ChainEvent): unknown {
  try {
    return decodeEventData(event.data);
  } catch (error) {
    throw invalid(event, `its data does not decode: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** The recorded spawn: its component hash, manifest (the fields a replay reads) and initial state. */
export function recordedSpawn(event: ChainEvent): RecordedSpawn {
  const data = recordedObject(event);
  if (typeof data['component'] !== 'string' || data['component'] === '') throw invalid(event, 'expected component as a non-empty string (its hash)');
  const state = data['state'] ?? null;
  if (state !== null && !(state instanceof Uint8Array)) throw invalid(event, 'expected state as bytes or null');
  const manifest = data['manifest'];
  if (!isRecord(manifest)) throw invalid(event, 'expected manifest as an object');
  for (const field of ['name', 'version', 'component'] as const) {
    if (typeof manifest[field] !== 'string') throw invalid(event, `expected manifest.${field} as a string`);
  }
  const limits = manifest['limits'];
  if (!isRecord(limits)) throw invalid(event, 'expected manifest.limits as an object');
  for (const [field, maximum] of Object.entries(LIMIT_MAXIMUMS)) {
    const value = limits[field];
    if (!Number.isSafeInteger(value) || (value as number) <= 0 || (value as number) > maximum) {
      throw invalid(event, `expected manifest.limits.${field} as a positive integer of at most ${maximum}`);
    }
  }
  if (!Array.isArray(manifest['handlers']) || !manifest['handlers'].every(isRecord)) throw invalid(event, 'expected manifest.handlers as an array of objects');
  if (manifest['componentPath'] !== undefined && typeof manifest['componentPath'] !== 'string') throw invalid(event, 'expected manifest.componentPath as a string');
  const parent = data['parent'] ?? null;
  if (parent !== null && typeof parent !== 'string') throw invalid(event, 'expected parent as a string or null');
  return { component: data['component'], manifest: manifest as unknown as Manifest, state, parent };
}

/** A recorded export call: its interface, function and params. */
export function recordedCall(event: ChainEvent): RecordedCall {
  const data = recordedObject(event);
  if (typeof data['interface'] !== 'string' || typeof data['function'] !== 'string') throw invalid(event, 'expected interface and function as strings');
  if (!Array.isArray(data['params'])) throw invalid(event, 'expected params as an array');
  return { interface: data['interface'], function: data['function'], params: data['params'] };
}

/** A recorded stop: who stopped the actor. */
export function recordedStop(event: ChainEvent): RecordedStop {
  const data = recordedObject(event);
  if (typeof data['by'] !== 'string') throw invalid(event, 'expected by as a string');
  return { by: data['by'] };
}

function recordedObject(event: ChainEvent): Record<string, unknown> {
  const data = recordedData(event);
  if (!isRecord(data)) throw invalid(event, 'expected its data as an object');
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function invalid(event: ChainEvent, problem: string, cause?: unknown): KernelError {
  return new KernelError('invalid-chain', `event ${event.seq} (${event.type}) cannot be replayed: ${problem}`, cause === undefined ? undefined : { cause });
}
