/**
 * The persisted event format (versions 1 and 2): what an event is, its canonical DAG-CBOR encoding, and its hash.
 * The two versions share this envelope and differ only in how `data` is encoded (v1: JSON, v2: binary; see
 * `eventData.ts`); a chain may hold v1 events followed by v2 events. Changing anything here changes every hash: it
 * is a breaking change, pinned by the test vectors in `test/eventFormat.test.ts` and specified in the package README.
 *
 * The encoders are written by hand for the two fixed shapes (an event's fields, and a stored event) because they
 * run for every event an actor records; `test/eventFormat.test.ts` checks them byte for byte against
 * `@ipld/dag-cbor`, which still decodes.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { DecodedEvent } from './decodedEvent.js';
import { sha256 } from './sha256.js';

const utf8 = new TextEncoder();
// `ignoreBOM`: a type starting with U+FEFF decodes to itself, so it encodes back to the bytes it came from.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The event format versions: 1 (event data as JSON) and 2 (event data binary). */
export type EventFormatVersion = 1 | 2;

/** The format version new events are written in. */
export const EVENT_FORMAT_VERSION = 2;

/** An event as hashed and stored: `hash = sha256(dagCbor({ v, seq, parent, type, data, time }))`. */
export interface ChainEvent {
  /** How `data` is encoded (see `encodeEventData`); never lower than the previous event's. */
  readonly v: EventFormatVersion;
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

/** What a recorder supplies for one step; `createEvent` adds seq, parent and hash. */
export interface EventInput {
  readonly type: string;
  /** Encoded in format `v`'s event data encoding. */
  readonly data: Uint8Array;
  /** Wall-clock time, integer ms since the epoch. */
  readonly time: number;
  /** The format version of `data`; `EVENT_FORMAT_VERSION` when absent (a replay re-records v1 events as v1). */
  readonly v?: EventFormatVersion;
}

/**
 * An event built by `createEvent`, carrying its stored encoding so storing it does not encode it again. A class with
 * a private field rather than a WeakMap beside plain objects: a WeakMap entry cost 2.5-4 µs per event (setting it and
 * collecting it), more than the rest of `createEvent`. The field is invisible to spreading, equality and structured
 * cloning, which see a plain event.
 */
class CreatedEvent implements ChainEvent {
  readonly v: EventFormatVersion;
  readonly seq: number;
  readonly parent: Uint8Array | null;
  readonly type: string;
  readonly data: Uint8Array;
  readonly time: number;
  readonly hash: Uint8Array;
  readonly #stored: Uint8Array;

  constructor(fields: EventFields, hash: Uint8Array, stored: Uint8Array) {
    this.v = fields.v;
    this.seq = fields.seq;
    this.parent = fields.parent;
    this.type = fields.type;
    this.data = fields.data;
    this.time = fields.time;
    this.hash = hash;
    this.#stored = stored;
  }

  /** The stored encoding of `event` when `createEvent` built it. */
  static storedOf(event: ChainEvent): Uint8Array | undefined {
    return #stored in event ? (event as CreatedEvent).#stored : undefined;
  }
}

/**
 * Canonical DAG-CBOR bytes of an event's hashed fields: a map of six entries with keys in canonical order
 * (shorter first, then bytewise: v, seq, data, time, type, parent), minimal-length integers, no floats.
 */
export function encodeEventFields(fields: EventFields): Uint8Array {
  assertFields(fields);
  const type = utf8Of(fields.type);
  const out = pooledBytes(fieldsLength(fields, type));
  writeFields(out, 0, fields, type);
  return out;
}

/** SHA-256 of the canonical encoding. */
export function hashEventFields(fields: EventFields): Uint8Array {
  return sha256(encodeEventFields(fields));
}

/**
 * Builds the next event of a chain after `previous` (or the first one). Throws a TypeError for malformed input, or a
 * version lower than `previous`'s (a chain moves to a newer format, never back).
 */
export function createEvent(previous: ChainEvent | undefined, input: EventInput): ChainEvent {
  const v = input.v ?? EVENT_FORMAT_VERSION;
  if (previous !== undefined && v < previous.v)
    throw new TypeError(`expected event format version ${previous.v} or later after a version ${previous.v} event, got ${v}`);
  const fields: EventFields = {
    v,
    seq: previous === undefined ? 0 : previous.seq + 1,
    parent: previous === undefined ? null : previous.hash,
    type: input.type,
    data: input.data,
    time: input.time,
  };
  assertFields(fields);
  // One buffer holds the stored form, `{ hash, event: <fields> }`; the fields are hashed in place.
  const type = utf8Of(fields.type);
  const length = fieldsLength(fields, type);
  const fieldsAt = STORED_PREFIX_LENGTH + headerLength(length);
  const stored = pooledBytes(fieldsAt + length);
  stored.set(STORED_PREFIX, 0);
  writeHeader(stored, STORED_PREFIX_LENGTH, MAJOR_BYTES, length);
  writeFields(stored, fieldsAt, fields, type);
  const hash = sha256(stored.subarray(fieldsAt));
  stored.set(hash, STORED_HASH_AT);
  return new CreatedEvent(fields, hash, stored);
}

/** Encodes a whole event for storage or export: DAG-CBOR `{ event: <encoded fields>, hash: <32 bytes> }`. */
export function encodeStoredEvent(event: ChainEvent): Uint8Array {
  const cached = CreatedEvent.storedOf(event);
  if (cached !== undefined) return cached;
  const fields = encodeEventFields(event);
  const fieldsAt = STORED_PREFIX_LENGTH + headerLength(fields.length);
  const stored = pooledBytes(fieldsAt + fields.length);
  stored.set(STORED_PREFIX, 0);
  stored.set(event.hash, STORED_HASH_AT);
  writeHeader(stored, STORED_PREFIX_LENGTH, MAJOR_BYTES, fields.length);
  stored.set(fields, fieldsAt);
  return stored;
}

/**
 * Decodes what `encodeStoredEvent` wrote, without checking the hash (that is `verify`'s job, so a tampered
 * event can still be read and reported). Throws a TypeError when the bytes are not an event at all. An event stored
 * in the canonical layout comes back frozen, as views of `bytes` (which must then not change), carrying its stored
 * encoding for verification to hash (see `decodedEvent.ts`).
 */
export function decodeStoredEvent(bytes: Uint8Array): ChainEvent {
  return decodeCanonical(bytes) ?? decodeAnyEncoding(bytes);
}

/**
 * Reads a stored event laid out exactly as `createEvent` writes it (every event this package stored), without a
 * general CBOR decoder; undefined for any other layout, which `decodeAnyEncoding` then reads or refuses.
 */
function decodeCanonical(bytes: Uint8Array): ChainEvent | undefined {
  const prefix = STORED_PREFIX_LENGTH;
  if (bytes.length < prefix + 1) return undefined;
  for (let i = 0; i < prefix; i++) {
    const inHash = i >= STORED_HASH_AT && i < STORED_HASH_AT + HASH_LENGTH;
    if (!inHash && bytes[i] !== STORED_PREFIX[i]) return undefined;
  }
  const reader = new CborReader(bytes, prefix);
  const fieldsLength = reader.header(MAJOR_BYTES);
  if (fieldsLength === undefined || reader.at + fieldsLength !== bytes.length) return undefined;
  const fieldsAt = reader.at;
  if (reader.byte() !== 0xa6 || !reader.key(KEY_V)) return undefined;
  const v = reader.header(MAJOR_UINT);
  if (!reader.key(KEY_SEQ)) return undefined;
  const seq = reader.header(MAJOR_UINT);
  if (!reader.key(KEY_DATA)) return undefined;
  const data = reader.bytes();
  if (!reader.key(KEY_TIME)) return undefined;
  const time = reader.header(MAJOR_UINT);
  if (!reader.key(KEY_TYPE)) return undefined;
  const type = reader.text();
  if (!reader.key(KEY_PARENT)) return undefined;
  let parent: Uint8Array | null | undefined = null;
  if (bytes[reader.at] === CBOR_NULL) reader.at += 1;
  else parent = reader.bytes();
  if (v === undefined || seq === undefined || data === undefined || time === undefined || type === undefined || parent === undefined)
    return undefined;
  if (reader.at !== bytes.length) return undefined;
  // Views of `bytes`, not copies: reading a chain allocates little, and the event's bytes are the stored ones.
  const hash = plainView(bytes, STORED_HASH_AT, STORED_HASH_AT + HASH_LENGTH);
  const fields = plainView(bytes, fieldsAt, bytes.length);
  const event = new DecodedEvent(v as EventFormatVersion, seq, parent, type, data, time, hash, fields);
  assertFields(event);
  return event;
}

function decodeAnyEncoding(bytes: Uint8Array): ChainEvent {
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
  if (fields.v !== 1 && fields.v !== 2) throw new TypeError(`expected event format version 1 or 2, got ${String(fields.v)}`);
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 0)
    throw new TypeError(`expected seq as a non-negative integer, got ${String(fields.seq)}`);
  if (fields.parent !== null && !(fields.parent instanceof Uint8Array && fields.parent.length === 32)) {
    throw new TypeError('expected parent as null or a 32-byte hash');
  }
  if ((fields.seq === 0) !== (fields.parent === null)) throw new TypeError('expected parent null exactly for seq 0');
  if (typeof fields.type !== 'string' || fields.type === '') throw new TypeError('expected type as a non-empty string');
  if (!(fields.data instanceof Uint8Array)) throw new TypeError('expected data as a Uint8Array');
  if (!Number.isSafeInteger(fields.time) || fields.time < 0)
    throw new TypeError(`expected time as a non-negative integer (ms), got ${String(fields.time)}`);
}

const MAJOR_UINT = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const CBOR_NULL = 0xf6;
const HASH_LENGTH = 32;
const KEY_V = utf8.encode('v');
const KEY_SEQ = utf8.encode('seq');
const KEY_DATA = utf8.encode('data');
const KEY_TIME = utf8.encode('time');
const KEY_TYPE = utf8.encode('type');
const KEY_PARENT = utf8.encode('parent');
/** `{ hash: <32 bytes>, event: ` up to the event's byte-string header: "hash" sorts before "event" (shorter first). */
const STORED_PREFIX = Uint8Array.of(
  0xa2,
  0x64,
  ...utf8.encode('hash'),
  0x58,
  HASH_LENGTH,
  ...new Uint8Array(HASH_LENGTH),
  0x65,
  ...utf8.encode('event'),
);
const STORED_HASH_AT = 8;
const STORED_PREFIX_LENGTH = STORED_PREFIX.length;

/** UTF-8 bytes of event types, which repeat: encoding strings is slower than a lookup. */
const typeBytes = new Map<string, Uint8Array>();
const TYPE_CACHE_LIMIT = 4096;

function utf8Of(type: string): Uint8Array {
  let bytes = typeBytes.get(type);
  if (bytes === undefined) {
    bytes = utf8.encode(type);
    if (typeBytes.size < TYPE_CACHE_LIMIT) typeBytes.set(type, bytes);
  }
  return bytes;
}

/**
 * A plain Uint8Array of `length` bytes (to be overwritten), cut from Node's shared buffer pool: allocating a typed
 * array of its own costs about ten times more, for every event. The bytes are a view: `slice()` them before
 * handing them to structured cloning, which would copy the whole pool slab.
 */
function pooledBytes(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

/** Length of a CBOR head carrying `value` (a safe integer) in the shortest form. */
function headerLength(value: number): number {
  if (value < 24) return 1;
  if (value < 0x100) return 2;
  if (value < 0x1_0000) return 3;
  if (value < 0x1_0000_0000) return 5;
  return 9;
}

/**
 * Returns a function that encodes `fields` (not validated) as `encodeEventFields` does, into one buffer reused from
 * call to call: the bytes it returns are valid until its next call. For callers that encode many events and keep
 * none of the bytes (verification), so encoding allocates nothing per event.
 */
export function createEventFieldsEncoder(): (fields: EventFields) => Uint8Array {
  let buffer = new Uint8Array(4096);
  return (fields) => {
    const type = utf8Of(fields.type);
    const length = fieldsLength(fields, type);
    if (buffer.length < length) buffer = new Uint8Array(Math.max(length, buffer.length * 2));
    writeFields(buffer, 0, fields, type);
    return buffer.subarray(0, length);
  };
}

function fieldsLength(fields: EventFields, type: Uint8Array): number {
  return (
    1 +
    (1 + KEY_V.length) +
    headerLength(fields.v) +
    (1 + KEY_SEQ.length) +
    headerLength(fields.seq) +
    (1 + KEY_DATA.length) +
    headerLength(fields.data.length) +
    fields.data.length +
    (1 + KEY_TIME.length) +
    headerLength(fields.time) +
    (1 + KEY_TYPE.length) +
    headerLength(type.length) +
    type.length +
    (1 + KEY_PARENT.length) +
    (fields.parent === null ? 1 : 2 + HASH_LENGTH)
  );
}

/** Writes the canonical fields map at `at`; returns the offset after it. */
function writeFields(out: Uint8Array, at: number, fields: EventFields, type: Uint8Array): number {
  out[at++] = 0xa6;
  at = writeText(out, at, KEY_V);
  at = writeHeader(out, at, MAJOR_UINT, fields.v);
  at = writeText(out, at, KEY_SEQ);
  at = writeHeader(out, at, MAJOR_UINT, fields.seq);
  at = writeText(out, at, KEY_DATA);
  at = writeHeader(out, at, MAJOR_BYTES, fields.data.length);
  at = copy(out, at, fields.data);
  at = writeText(out, at, KEY_TIME);
  at = writeHeader(out, at, MAJOR_UINT, fields.time);
  at = writeText(out, at, KEY_TYPE);
  at = writeText(out, at, type);
  at = writeText(out, at, KEY_PARENT);
  if (fields.parent === null) {
    out[at++] = CBOR_NULL;
  } else {
    at = writeHeader(out, at, MAJOR_BYTES, fields.parent.length);
    at = copy(out, at, fields.parent);
  }
  return at;
}

function writeText(out: Uint8Array, at: number, utf8Bytes: Uint8Array): number {
  at = writeHeader(out, at, MAJOR_TEXT, utf8Bytes.length);
  return copy(out, at, utf8Bytes);
}

/** Copies `bytes` to `at`; returns the offset after them. */
function copy(out: Uint8Array, at: number, bytes: Uint8Array): number {
  const length = bytes.length;
  // A loop beats TypedArray#set for the short runs an event is made of (keys, type, parent): set costs a call into
  // the runtime each time, and an event makes nine copies.
  if (length > 64) out.set(bytes, at);
  else for (let i = 0; i < length; i++) out[at + i] = bytes[i]!;
  return at + length;
}

/** Writes a CBOR head (major type and argument, shortest form, big-endian) at `at`; returns the offset after it. */
function writeHeader(out: Uint8Array, at: number, major: number, value: number): number {
  const type = major << 5;
  if (value < 24) {
    out[at] = type | value;
    return at + 1;
  }
  if (value < 0x100) {
    out[at] = type | 24;
    out[at + 1] = value;
    return at + 2;
  }
  if (value < 0x1_0000) {
    out[at] = type | 25;
    out[at + 1] = value >>> 8;
    out[at + 2] = value & 0xff;
    return at + 3;
  }
  if (value < 0x1_0000_0000) {
    out[at] = type | 26;
    writeUint32(out, at + 1, value);
    return at + 5;
  }
  out[at] = type | 27;
  writeUint32(out, at + 1, Math.floor(value / 0x1_0000_0000));
  writeUint32(out, at + 5, value >>> 0);
  return at + 9;
}

/** Reads the CBOR items this format uses; each read returns undefined when the bytes are not what it expects. */
class CborReader {
  readonly #bytes: Uint8Array;
  at: number;

  constructor(bytes: Uint8Array, at: number) {
    this.#bytes = bytes;
    this.at = at;
  }

  byte(): number | undefined {
    return this.#bytes[this.at++];
  }

  /** A head of `major` type in its shortest form; its argument (a safe integer). */
  header(major: number): number | undefined {
    const bytes = this.#bytes;
    const first = bytes[this.at];
    if (first === undefined || first >> 5 !== major) return undefined;
    const info = first & 0x1f;
    const at = this.at + 1;
    let value: number;
    let next: number;
    if (info < 24) [value, next] = [info, at];
    else if (info === 24) [value, next] = [bytes[at]!, at + 1];
    else if (info === 25) [value, next] = [(bytes[at]! << 8) | bytes[at + 1]!, at + 2];
    else if (info === 26) [value, next] = [readUint32(bytes, at), at + 4];
    else if (info === 27) [value, next] = [readUint32(bytes, at) * 0x1_0000_0000 + readUint32(bytes, at + 4), at + 8];
    else return undefined;
    // Not the shortest form, past the end, or beyond safe integers: not this package's layout.
    if (next > bytes.length || headerLength(value) !== next - this.at || !Number.isSafeInteger(value)) return undefined;
    this.at = next;
    return value;
  }

  bytes(): Uint8Array | undefined {
    const length = this.header(MAJOR_BYTES);
    if (length === undefined || this.at + length > this.#bytes.length) return undefined;
    const out = plainView(this.#bytes, this.at, this.at + length);
    this.at += length;
    return out;
  }

  text(): string | undefined {
    const length = this.header(MAJOR_TEXT);
    if (length === undefined || this.at + length > this.#bytes.length) return undefined;
    let out: string;
    try {
      out = utf8Decoder.decode(this.#bytes.subarray(this.at, this.at + length));
    } catch {
      return undefined;
    }
    this.at += length;
    return out;
  }

  /** True when the next item is the text `key` (given as UTF-8). */
  key(key: Uint8Array): boolean {
    const bytes = this.#bytes;
    if (bytes[this.at] !== ((MAJOR_TEXT << 5) | key.length)) return false;
    for (let i = 0; i < key.length; i++) if (bytes[this.at + 1 + i] !== key[i]) return false;
    this.at += 1 + key.length;
    return true;
  }
}

/** `bytes[start, end)` as a plain Uint8Array view (level hands back Buffers, whose subarrays are Buffers). */
function plainView(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
