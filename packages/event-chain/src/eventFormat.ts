/**
 * The persisted event format (version 1): what an event is, its canonical DAG-CBOR encoding, and its hash.
 * Changing anything here changes every hash: it is a breaking change, pinned by the test vectors in
 * `test/eventFormat.test.ts` and specified in the package README.
 *
 * The encoders are written by hand for the two fixed shapes (an event's fields, and a stored event) because they
 * run for every event an actor records; `test/eventFormat.test.ts` checks them byte for byte against
 * `@ipld/dag-cbor`, which still decodes.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';

/** The format version written into every event. */
export const EVENT_FORMAT_VERSION = 1;

/** An event as hashed and stored: `hash = sha256(dagCbor({ v, seq, parent, type, data, time }))`. */
export interface ChainEvent {
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
export type EventFields = Omit<ChainEvent, 'hash'>;

/** What a recorder supplies for one step; `createEvent` adds v, seq, parent and hash. */
export interface EventInput {
  readonly type: string;
  readonly data: Uint8Array;
  /** Wall-clock time, integer ms since the epoch. */
  readonly time: number;
}

/** The field encoding of each event created here, so storing it does not encode it again. */
const fieldEncodings = new WeakMap<ChainEvent, Uint8Array>();
const utf8 = new TextEncoder();

/**
 * Canonical DAG-CBOR bytes of an event's hashed fields: a map of six entries with keys in canonical order
 * (shorter first, then bytewise: v, seq, data, time, type, parent), minimal-length integers, no floats.
 */
export function encodeEventFields(fields: EventFields): Uint8Array {
  assertFields(fields);
  const type = utf8.encode(fields.type);
  const writer = new CborWriter(128 + type.length + fields.data.length);
  writer.byte(0xa6);
  writer.text(KEY_V).uint(fields.v);
  writer.text(KEY_SEQ).uint(fields.seq);
  writer.text(KEY_DATA).bytes(fields.data);
  writer.text(KEY_TIME).uint(fields.time);
  writer.text(KEY_TYPE).header(MAJOR_TEXT, type.length).raw(type);
  writer.text(KEY_PARENT);
  if (fields.parent === null) writer.byte(CBOR_NULL);
  else writer.bytes(fields.parent);
  return writer.result();
}

/** SHA-256 of the canonical encoding. */
export function hashEventFields(fields: EventFields): Uint8Array {
  return sha256(encodeEventFields(fields));
}

/** Builds the next event of a chain after `previous` (or the first one). */
export function createEvent(previous: ChainEvent | undefined, input: EventInput): ChainEvent {
  const fields: EventFields = {
    v: EVENT_FORMAT_VERSION,
    seq: previous === undefined ? 0 : previous.seq + 1,
    parent: previous === undefined ? null : previous.hash,
    type: input.type,
    data: input.data,
    time: input.time,
  };
  const encoded = encodeEventFields(fields);
  const event: ChainEvent = { ...fields, hash: sha256(encoded) };
  fieldEncodings.set(event, encoded);
  return event;
}

/** Encodes a whole event for storage or export: DAG-CBOR `{ event: <encoded fields>, hash: <32 bytes> }`. */
export function encodeStoredEvent(event: ChainEvent): Uint8Array {
  const fields = fieldEncodings.get(event) ?? encodeEventFields(event);
  const writer = new CborWriter(fields.length + 64);
  writer.byte(0xa2);
  // Canonical order: "hash" (4 bytes) sorts before "event" (5 bytes).
  writer.text(KEY_HASH).bytes(event.hash);
  writer.text(KEY_EVENT).bytes(fields);
  return writer.result();
}

/**
 * Decodes what `encodeStoredEvent` wrote, without checking the hash (that is `verify`'s job, so a tampered
 * event can still be read and reported). Throws a TypeError when the bytes are not an event at all.
 */
export function decodeStoredEvent(bytes: Uint8Array): ChainEvent {
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
  return event as ChainEvent;
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

const MAJOR_UINT = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const CBOR_NULL = 0xf6;
const KEY_V = utf8.encode('v');
const KEY_SEQ = utf8.encode('seq');
const KEY_DATA = utf8.encode('data');
const KEY_TIME = utf8.encode('time');
const KEY_TYPE = utf8.encode('type');
const KEY_PARENT = utf8.encode('parent');
const KEY_HASH = utf8.encode('hash');
const KEY_EVENT = utf8.encode('event');

/** Appends CBOR items to a buffer sized for them up front. */
class CborWriter {
  readonly #out: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(capacity: number) {
    this.#out = new Uint8Array(capacity);
    this.#view = new DataView(this.#out.buffer);
  }

  byte(value: number): this {
    this.#out[this.#at++] = value;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#out.set(bytes, this.#at);
    this.#at += bytes.length;
    return this;
  }

  /** A major type with its argument in the shortest form (safe integers only). */
  header(major: number, value: number): this {
    const type = major << 5;
    if (value < 24) return this.byte(type | value);
    if (value < 0x100) return this.byte(type | 24).byte(value);
    if (value < 0x1_0000) {
      this.byte(type | 25);
      this.#view.setUint16(this.#at, value);
      this.#at += 2;
      return this;
    }
    if (value < 0x1_0000_0000) {
      this.byte(type | 26);
      this.#view.setUint32(this.#at, value);
      this.#at += 4;
      return this;
    }
    this.byte(type | 27);
    this.#view.setBigUint64(this.#at, BigInt(value));
    this.#at += 8;
    return this;
  }

  uint(value: number): this {
    return this.header(MAJOR_UINT, value);
  }

  bytes(value: Uint8Array): this {
    return this.header(MAJOR_BYTES, value.length).raw(value);
  }

  /** A text string given as its UTF-8 bytes. */
  text(utf8Bytes: Uint8Array): this {
    return this.header(MAJOR_TEXT, utf8Bytes.length).raw(utf8Bytes);
  }

  result(): Uint8Array {
    return this.#at === this.#out.length ? this.#out : this.#out.subarray(0, this.#at);
  }
}
