/**
 * The persisted event format (version 1): what an event is, its canonical DAG-CBOR encoding, and its hash.
 * Changing anything here changes every hash: it is a breaking change, pinned by the test vectors in
 * `test/eventFormat.test.ts` and specified in the package README.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';

/** The format version written into every event. */
export const EVENT_FORMAT_VERSION = 1;

/** An event as hashed and stored: `hash = sha256(dagCbor({ v, seq, parent, type, data, time }))`. */
export interface RecordedEvent {
  readonly v: typeof EVENT_FORMAT_VERSION;
  /** Position in the actor's chain, from 0. */
  readonly seq: number;
  /** Hash of the previous event; `null` for the first. */
  readonly parent: Uint8Array | null;
  /** Namespaced type, e.g. `wasm.call` or `theater:simple/runtime.log`. */
  readonly type: string;
  /** The step's inputs and outputs. */
  readonly data: Uint8Array;
  /** Wall-clock time, ms since the epoch (an integer). */
  readonly time: number;
  /** SHA-256 of the canonical encoding of the fields above. */
  readonly hash: Uint8Array;
}

/** The hashed fields of an event. */
export type EventFields = Omit<RecordedEvent, 'hash'>;

/** Canonical DAG-CBOR bytes of an event's hashed fields (map keys sorted, minimal integers, no floats). */
export function encodeEventFields(fields: EventFields): Uint8Array {
  assertFields(fields);
  return dagCbor.encode({
    v: fields.v,
    seq: fields.seq,
    parent: fields.parent,
    type: fields.type,
    data: fields.data,
    time: fields.time,
  });
}

/** SHA-256 of the canonical encoding. */
export function hashEventFields(fields: EventFields): Uint8Array {
  return sha256(encodeEventFields(fields));
}

/** Builds the next event of a chain after `previous` (or the first one). */
export function createEvent(previous: RecordedEvent | undefined, input: { type: string; data: Uint8Array; time: number }): RecordedEvent {
  const fields: EventFields = {
    v: EVENT_FORMAT_VERSION,
    seq: previous === undefined ? 0 : previous.seq + 1,
    parent: previous === undefined ? null : previous.hash,
    type: input.type,
    data: input.data,
    time: input.time,
  };
  return { ...fields, hash: hashEventFields(fields) };
}

/** Encodes a whole event (fields and hash) for storage or export. */
export function encodeRecordedEvent(event: RecordedEvent): Uint8Array {
  return dagCbor.encode({ event: encodeEventFields(event), hash: event.hash });
}

/**
 * Decodes what `encodeRecordedEvent` wrote, without checking the hash (that is `verify`'s job, so a tampered
 * event can still be read and reported). Throws a TypeError when the bytes are not an event at all.
 */
export function decodeRecordedEvent(bytes: Uint8Array): RecordedEvent {
  const outer = dagCbor.decode(bytes) as { event?: unknown; hash?: unknown };
  if (!(outer?.event instanceof Uint8Array) || !(outer.hash instanceof Uint8Array)) {
    throw new TypeError('expected an encoded event: { event: bytes, hash: bytes }');
  }
  const fields = dagCbor.decode(outer.event) as Record<string, unknown>;
  const event = {
    v: fields['v'],
    seq: fields['seq'],
    parent: fields['parent'],
    type: fields['type'],
    data: fields['data'],
    time: fields['time'],
    hash: outer.hash,
  };
  assertFields(event as EventFields);
  return event as RecordedEvent;
}

function assertFields(fields: EventFields): void {
  if (fields.v !== EVENT_FORMAT_VERSION) throw new TypeError(`expected event format version ${EVENT_FORMAT_VERSION}, got ${String(fields.v)}`);
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 0) throw new TypeError(`expected seq as a non-negative integer, got ${String(fields.seq)}`);
  if (fields.parent !== null && !(fields.parent instanceof Uint8Array && fields.parent.length === 32)) {
    throw new TypeError('expected parent as null or a 32-byte hash');
  }
  if ((fields.seq === 0) !== (fields.parent === null)) throw new TypeError('expected parent null exactly for seq 0');
  if (typeof fields.type !== 'string' || fields.type === '') throw new TypeError('expected type as a non-empty string');
  if (!(fields.data instanceof Uint8Array)) throw new TypeError('expected data as a Uint8Array');
  if (!Number.isSafeInteger(fields.time) || fields.time < 0) throw new TypeError(`expected time as a non-negative integer (ms), got ${String(fields.time)}`);
}
