/**
 * The chain event vocabulary: every event type the kernel records, the data each holds, and one encoder and one
 * decoder per type. The recorder writes only through the encoders, and every reader (replay, resume, the CLI, the
 * server) reads through the decoders, so the shapes are written down once. A chain can come from anywhere (an
 * imported file, a store edited by hand) and still verify, so a decoder checks the whole shape and throws an
 * `InvalidChainEventError` naming the event and the field, never a TypeError from deep inside a reader.
 *
 * The encodings are the chain format: the field order of each encoder is part of it (`encodeEventData` keeps the
 * order it is given), and changing it changes every recorded hash. `packages/event-chain/README.md` documents them.
 * Encoders write the current event format (v2, binary data); decoders read each event in its own version, so a
 * chain recorded as v1 (JSON data) still reads.
 */
import { decodeEventData, encodeEventData, type ChainEvent } from '@theater/event-chain';
import type { ActorFailure, FailureReason } from '../actor/actorFailure.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import { LIMIT_MAXIMUMS } from '../manifest/manifestSchema.js';

/** An event ready to be recorded: its type and encoded data (the recorder adds the time and the links). */
export interface EncodedEvent {
  readonly type: string;
  readonly data: Uint8Array;
}

/** One event type of the vocabulary: its name, and how its data is written and read. */
export interface ChainEventType<T> {
  readonly type: string;
  encode(data: T): EncodedEvent;
  /** The event's data; an `InvalidChainEventError` when the event is of another type or its data has another shape. */
  decode(event: ChainEvent): T;
}

/** `actor.spawn` (an actor's first event) and `actor.restart` (a supervisor restarted it, continuing its chain). */
export interface SpawnEventData {
  readonly name: string;
  readonly version: string;
  /** The component's SHA-256, hex. */
  readonly component: string;
  /** The manifest the actor runs with, as parsed. */
  readonly manifest: Manifest;
  /** The state `init` receives. */
  readonly state: Uint8Array | null;
  /** The supervising actor's id; null for an actor spawned from outside. */
  readonly parent: string | null;
}

/** `wasm.call`: an export call, recorded when the guest starts running it. */
export interface WasmCallEventData {
  readonly interface: string;
  readonly function: string;
  /** The WIT params tuple. */
  readonly params: readonly unknown[];
}

/** `wasm.result`: an export call that returned, with the state it committed. */
export interface WasmResultEventData {
  readonly interface: string;
  readonly function: string;
  readonly state: Uint8Array | null;
  readonly output: unknown;
}

/** `wasm.error`: an export call that failed (the actor fails with it). */
export interface WasmErrorEventData {
  readonly interface: string;
  readonly function: string;
  readonly reason: FailureReason;
  readonly message: string;
}

/**
 * `wasm.aborted`: an export call that had started (it made host calls, recorded before this) when its shared worker
 * died for another actor's fault. Its state was never committed; the actor lives on (moved to a fresh worker) from
 * the state before it, and replay passes over it.
 */
export interface WasmAbortedEventData {
  readonly interface: string;
  readonly function: string;
  readonly message: string;
}

/** `actor.stop`: the actor stopped, asked to from outside (`request`) or by itself through `runtime.shutdown` (`self`). */
export interface StopEventData {
  readonly by: 'request' | 'self';
  /** What a self-stopping actor reported; null otherwise. */
  readonly data: Uint8Array | null;
}

/**
 * `<interface>.<function>`: a host call. `{ args, result }` when it returned, `{ args, error }` when it failed,
 * `{ error }` alone when the handler could not say what to withhold from the chain (neither args nor outcome is
 * recorded then); `redacted` lists the JSON Pointers of strings recorded as `[redacted]` instead of a secret.
 */
export interface HostCallEventData {
  readonly args?: readonly unknown[];
  readonly result?: unknown;
  readonly error?: string;
  readonly redacted?: readonly string[];
}

/** A chain event whose data is not what its type records; `code` is `invalid-chain`. */
export class InvalidChainEventError extends KernelError {
  /** The event's seq. */
  readonly seq: number;
  /** The event's type. */
  readonly eventType: string;
  /** What is wrong, naming the field (`expected params as an array`). */
  readonly problem: string;

  constructor(event: ChainEvent, problem: string, cause?: unknown) {
    super(
      'invalid-chain',
      `event ${event.seq} (${event.type}) holds invalid data: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.seq = event.seq;
    this.eventType = event.type;
    this.problem = problem;
  }
}

const FAILURE_REASONS: ReadonlySet<string> = new Set<FailureReason>([
  'init-failed',
  'guest-error',
  'trap',
  'out-of-memory',
  'operation-timeout',
  'internal',
]);

function spawnLike(type: 'actor.spawn' | 'actor.restart'): ChainEventType<SpawnEventData> {
  return {
    type,
    encode: (data) => ({
      type,
      data: encodeEventData({
        name: data.name,
        version: data.version,
        component: data.component,
        manifest: data.manifest,
        state: data.state,
        parent: data.parent,
      }),
    }),
    decode(event) {
      const data = objectOf(event, type);
      const component = data['component'];
      if (typeof component !== 'string' || component === '')
        throw new InvalidChainEventError(event, 'expected component as a non-empty string (its hash)');
      const state = bytesOrNull(event, data, 'state');
      const manifest = data['manifest'];
      if (!isRecord(manifest)) throw new InvalidChainEventError(event, 'expected manifest as an object');
      for (const field of ['name', 'version', 'component'] as const) {
        if (typeof manifest[field] !== 'string') throw new InvalidChainEventError(event, `expected manifest.${field} as a string`);
      }
      const limits = manifest['limits'];
      if (!isRecord(limits)) throw new InvalidChainEventError(event, 'expected manifest.limits as an object');
      for (const [field, maximum] of Object.entries(LIMIT_MAXIMUMS)) {
        const value = limits[field];
        if (!Number.isSafeInteger(value) || (value as number) <= 0 || (value as number) > maximum) {
          throw new InvalidChainEventError(event, `expected manifest.limits.${field} as a positive integer of at most ${maximum}`);
        }
      }
      if (!Array.isArray(manifest['handlers']) || !manifest['handlers'].every(isRecord))
        throw new InvalidChainEventError(event, 'expected manifest.handlers as an array of objects');
      if (manifest['componentPath'] !== undefined && typeof manifest['componentPath'] !== 'string')
        throw new InvalidChainEventError(event, 'expected manifest.componentPath as a string');
      const parent = data['parent'] ?? null;
      if (parent !== null && typeof parent !== 'string') throw new InvalidChainEventError(event, 'expected parent as a string or null');
      // Recorded since the first version; a chain without them still names the actor through its manifest.
      const name = data['name'] ?? manifest['name'];
      const version = data['version'] ?? manifest['version'];
      if (typeof name !== 'string') throw new InvalidChainEventError(event, 'expected name as a string');
      if (typeof version !== 'string') throw new InvalidChainEventError(event, 'expected version as a string');
      return { name, version, component, manifest: manifest as unknown as Manifest, state, parent };
    },
  };
}

/** `actor.spawn`: the actor's first event; what it runs, with what, from which state, under which parent. */
export const actorSpawnEvent: ChainEventType<SpawnEventData> = spawnLike('actor.spawn');

/** `actor.restart`: a supervisor restarted the actor (same id, same chain), from its last committed state. */
export const actorRestartEvent: ChainEventType<SpawnEventData> = spawnLike('actor.restart');

/** `wasm.call`. */
export const wasmCallEvent: ChainEventType<WasmCallEventData> = {
  type: 'wasm.call',
  encode: (data) => ({
    type: 'wasm.call',
    data: encodeEventData({ interface: data.interface, function: data.function, params: data.params }),
  }),
  decode(event) {
    const data = objectOf(event, 'wasm.call');
    const { interface: iface, function: fn } = exportOf(event, data);
    if (!Array.isArray(data['params'])) throw new InvalidChainEventError(event, 'expected params as an array');
    return { interface: iface, function: fn, params: data['params'] };
  },
};

/** `wasm.result`. */
export const wasmResultEvent: ChainEventType<WasmResultEventData> = {
  type: 'wasm.result',
  encode: (data) => ({
    type: 'wasm.result',
    data: encodeEventData({ interface: data.interface, function: data.function, state: data.state, output: data.output ?? null }),
  }),
  decode(event) {
    const data = objectOf(event, 'wasm.result');
    const { interface: iface, function: fn } = exportOf(event, data);
    return { interface: iface, function: fn, state: bytesOrNull(event, data, 'state'), output: data['output'] ?? null };
  },
};

/** `wasm.error`. */
export const wasmErrorEvent: ChainEventType<WasmErrorEventData> = {
  type: 'wasm.error',
  encode: (data) => ({
    type: 'wasm.error',
    data: encodeEventData({ interface: data.interface, function: data.function, reason: data.reason, message: data.message }),
  }),
  decode(event) {
    const data = objectOf(event, 'wasm.error');
    const { interface: iface, function: fn } = exportOf(event, data);
    return { interface: iface, function: fn, reason: reasonOf(event, data), message: messageOf(event, data) };
  },
};

/** `wasm.aborted`. */
export const wasmAbortedEvent: ChainEventType<WasmAbortedEventData> = {
  type: 'wasm.aborted',
  encode: (data) => ({
    type: 'wasm.aborted',
    data: encodeEventData({ interface: data.interface, function: data.function, message: data.message }),
  }),
  decode(event) {
    const data = objectOf(event, 'wasm.aborted');
    const { interface: iface, function: fn } = exportOf(event, data);
    return { interface: iface, function: fn, message: messageOf(event, data) };
  },
};

/** `actor.fail`: the actor's last event when it failed (`during` names the export that was running, if one was). */
export const actorFailEvent: ChainEventType<ActorFailure> = {
  type: 'actor.fail',
  encode: (data) => ({ type: 'actor.fail', data: encodeEventData({ reason: data.reason, message: data.message, during: data.during }) }),
  decode(event) {
    const data = objectOf(event, 'actor.fail');
    const during = data['during'] ?? undefined;
    if (during !== undefined && typeof during !== 'string') throw new InvalidChainEventError(event, 'expected during as a string');
    return { reason: reasonOf(event, data), message: messageOf(event, data), during };
  },
};

/** `actor.stop`: the actor's last event when it stopped. */
export const actorStopEvent: ChainEventType<StopEventData> = {
  type: 'actor.stop',
  encode: (data) => ({ type: 'actor.stop', data: encodeEventData({ by: data.by, data: data.data }) }),
  decode(event) {
    const data = objectOf(event, 'actor.stop');
    const by = data['by'];
    if (by !== 'request' && by !== 'self') throw new InvalidChainEventError(event, 'expected by as "request" or "self"');
    return { by, data: bytesOrNull(event, data, 'data') };
  },
};

/** Host call events, whose type is the call's own (`<interface>.<function>`), so it is given with the data. */
export interface HostCallEventType {
  /** The event type of a call of `iface#fn`. */
  typeOf(iface: string, fn: string): string;
  encode(type: string, data: HostCallEventData): EncodedEvent;
  /** The recorded call; `type`, when given, is the one the event must have. */
  decode(event: ChainEvent, type?: string): HostCallEventData;
}

/** Host calls: the type is the call's, `<interface>.<function>` (`theater:simple/runtime.log`). */
export const hostCallEvent: HostCallEventType = {
  typeOf: (iface, fn) => `${iface}.${fn}`,
  encode: (type, data) => ({
    type,
    data: encodeEventData({ args: data.args, result: data.result, error: data.error, redacted: data.redacted }),
  }),
  decode(event, type) {
    const data = objectOf(event, type);
    const { args, result, error, redacted } = data;
    if (args !== undefined && !Array.isArray(args)) throw new InvalidChainEventError(event, 'expected args as an array');
    if (error !== undefined && typeof error !== 'string') throw new InvalidChainEventError(event, 'expected error as a string');
    if (args === undefined && error === undefined) throw new InvalidChainEventError(event, 'expected args, or an error');
    if (redacted !== undefined && !(Array.isArray(redacted) && redacted.every((pointer) => typeof pointer === 'string'))) {
      throw new InvalidChainEventError(event, 'expected redacted as a list of strings');
    }
    return {
      ...(args === undefined ? {} : { args: args as unknown[] }),
      ...(result === undefined ? {} : { result }),
      ...(error === undefined ? {} : { error: error as string }),
      ...(redacted === undefined ? {} : { redacted: redacted as string[] }),
    };
  },
};

/** The event's decoded data, in its format version's encoding; `InvalidChainEventError` when it is not event data. */
function decodedData(event: ChainEvent): unknown {
  try {
    return decodeEventData(event.data, event.v);
  } catch (error) {
    throw new InvalidChainEventError(event, `its data does not decode: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function objectOf(event: ChainEvent, type: string | undefined): Record<string, unknown> {
  if (type !== undefined && event.type !== type) throw new InvalidChainEventError(event, `expected an event of type ${type}`);
  const data = decodedData(event);
  if (!isRecord(data)) throw new InvalidChainEventError(event, 'expected its data as an object');
  return data;
}

function exportOf(event: ChainEvent, data: Record<string, unknown>): { interface: string; function: string } {
  const { interface: iface, function: fn } = data;
  if (typeof iface !== 'string' || typeof fn !== 'string')
    throw new InvalidChainEventError(event, 'expected interface and function as strings');
  return { interface: iface, function: fn };
}

function bytesOrNull(event: ChainEvent, data: Record<string, unknown>, field: string): Uint8Array | null {
  const value = data[field] ?? null;
  if (value !== null && !(value instanceof Uint8Array)) throw new InvalidChainEventError(event, `expected ${field} as bytes or null`);
  return value;
}

function reasonOf(event: ChainEvent, data: Record<string, unknown>): FailureReason {
  const reason = data['reason'];
  if (typeof reason !== 'string' || !FAILURE_REASONS.has(reason))
    throw new InvalidChainEventError(event, `expected reason as one of ${[...FAILURE_REASONS].join(', ')}`);
  return reason as FailureReason;
}

function messageOf(event: ChainEvent, data: Record<string, unknown>): string {
  if (typeof data['message'] !== 'string') throw new InvalidChainEventError(event, 'expected message as a string');
  return data['message'];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
