/**
 * Event data encoding 2 (event format v2): a value as one CBOR data item (RFC 8949) with byte strings as they are,
 * instead of JSON with base64. Written and read by hand for the few item kinds event data holds, because it runs for
 * every event recorded and replayed; `test/binaryEventData.test.ts` checks it against `cborg`.
 *
 * Items: null, false, true; a number is an integer item when it is a safe integer (not -0), else a float64 (NaN
 * always as 0x7ff8000000000000); a bigint is a bignum (tag 2, or tag 3 for a negative one, over minimal big-endian
 * bytes); a string is UTF-8 text; a Uint8Array a byte string; an array an array; any other object a map of its own
 * enumerable string keys in their order, leaving out undefined, function and symbol values. Heads are definite and
 * shortest. `undefined` (or a function or symbol) elsewhere is null, as in JSON.
 */

const MAX_DEPTH = 1000;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const TWO_64 = 2n ** 64n;

let out = new Uint8Array(1024);
let view = new DataView(out.buffer);
let at = 0;

/** Encodes `value` as described above; throws a TypeError for a value nested deeper than 1000 levels. */
export function encodeBinaryEventData(value: unknown): Uint8Array {
  at = 0;
  writeValue(value, 0);
  // One copy out of the scratch buffer, into bytes cut from Node's shared pool (a typed array of its own costs more).
  const pooled = Buffer.allocUnsafe(at);
  const bytes = new Uint8Array(pooled.buffer, pooled.byteOffset, at);
  bytes.set(out.subarray(0, at));
  return bytes;
}

function reserve(length: number): void {
  if (at + length <= out.length) return;
  const grown = new Uint8Array(Math.max(out.length * 2, at + length));
  grown.set(out.subarray(0, at));
  out = grown;
  view = new DataView(out.buffer);
}

function writeHead(major: number, value: number): void {
  reserve(9);
  const type = major << 5;
  if (value < 24) {
    out[at++] = type | value;
  } else if (value < 0x100) {
    out[at++] = type | 24;
    out[at++] = value;
  } else if (value < 0x1_0000) {
    out[at++] = type | 25;
    view.setUint16(at, value);
    at += 2;
  } else if (value < 0x1_0000_0000) {
    out[at++] = type | 26;
    view.setUint32(at, value);
    at += 4;
  } else {
    out[at++] = type | 27;
    view.setUint32(at, Math.floor(value / 0x1_0000_0000));
    view.setUint32(at + 4, value >>> 0);
    at += 8;
  }
}

function writeValue(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeString(value);
      return;
    case 'number':
      writeNumber(value);
      return;
    case 'boolean':
      reserve(1);
      out[at++] = value ? 0xf5 : 0xf4;
      return;
    case 'bigint':
      writeBigint(value);
      return;
    case 'object':
      break;
    default:
      // undefined (and functions, symbols, which JSON also writes as null in arrays)
      reserve(1);
      out[at++] = 0xf6;
      return;
  }
  if (value === null) {
    reserve(1);
    out[at++] = 0xf6;
    return;
  }
  if (depth >= MAX_DEPTH) throw new TypeError(`event data nests deeper than ${MAX_DEPTH} levels`);
  if (value instanceof Uint8Array) {
    writeHead(2, value.length);
    reserve(value.length);
    out.set(value, at);
    at += value.length;
  } else if (Array.isArray(value)) {
    writeHead(4, value.length);
    for (let i = 0; i < value.length; i++) writeValue(value[i], depth + 1);
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let count = 0;
    for (let i = 0; i < keys.length; i++) if (!isLeftOut(record[keys[i]!])) count++;
    writeHead(5, count);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = record[key];
      if (isLeftOut(item)) continue;
      writeString(key);
      writeValue(item, depth + 1);
    }
  }
}

/** A property JSON leaves out of a record: undefined, a function or a symbol. */
function isLeftOut(item: unknown): boolean {
  return item === undefined || typeof item === 'function' || typeof item === 'symbol';
}

function writeNumber(value: number): void {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    if (value >= 0) writeHead(0, value);
    else writeHead(1, -1 - value);
    return;
  }
  reserve(9);
  out[at++] = 0xfb;
  // One NaN: a recorded value must encode to the same bytes on replay, whatever NaN bits a guest produced.
  view.setFloat64(at, Number.isNaN(value) ? Number.NaN : value);
  at += 8;
}

function writeBigint(value: bigint): void {
  reserve(1);
  let magnitude = value;
  if (value < 0n) {
    out[at++] = 0xc3;
    magnitude = -1n - value;
  } else {
    out[at++] = 0xc2;
  }
  if (magnitude < TWO_64) {
    // Most bigints are u64/s64: at most 8 bytes, written without a hex round trip.
    let length = 0;
    for (let rest = magnitude; rest > 0n; rest >>= 8n) length++;
    writeHead(2, length);
    reserve(8);
    for (let i = length - 1; i >= 0; i--) {
      out[at + i] = Number(magnitude & 0xffn);
      magnitude >>= 8n;
    }
    at += length;
    return;
  }
  let hex = magnitude.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  writeHead(2, bytes.length);
  reserve(bytes.length);
  out.set(bytes, at);
  at += bytes.length;
}

function writeString(value: string): void {
  const length = value.length;
  // ASCII (nearly every key, name and type) is copied char by char; anything else goes through Buffer's UTF-8.
  const start = at;
  writeHead(3, length);
  reserve(length);
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) {
      at = start;
      writeUtf8(value);
      return;
    }
    out[at + i] = code;
  }
  at += length;
}

function writeUtf8(value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  writeHead(3, bytes.length);
  reserve(bytes.length);
  out.set(bytes, at);
  at += bytes.length;
}

/**
 * Decodes what `encodeBinaryEventData` writes. Throws a TypeError naming the offset when the bytes are anything else:
 * truncated or trailing bytes, indefinite or non-shortest lengths, other tags or simple values, invalid UTF-8,
 * duplicate or non-text map keys, or nesting deeper than 1000 levels. Byte strings are copies.
 */
export function decodeBinaryEventData(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.value(0);
  if (reader.at !== bytes.length) reader.fail(`${bytes.length - reader.at} bytes after the value`);
  return value;
}

class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    throw new TypeError(`event data (binary) at byte ${this.at}: ${problem}`);
  }

  /** The argument of the head at `at`, of major type `major` (already read from it). */
  argument(first: number): number {
    const info = first & 0x1f;
    const at = this.at + 1;
    let value: number;
    let next: number;
    if (info < 24) [value, next] = [info, at];
    else if (info === 24) [value, next] = [this.bytes[at]!, at + 1];
    else if (info === 25) [value, next] = [at + 2 <= this.bytes.length ? this.view.getUint16(at) : 0, at + 2];
    else if (info === 26) [value, next] = [at + 4 <= this.bytes.length ? this.view.getUint32(at) : 0, at + 4];
    else if (info === 27) {
      value = at + 8 <= this.bytes.length ? this.view.getUint32(at) * 0x1_0000_0000 + this.view.getUint32(at + 4) : 0;
      next = at + 8;
    } else return this.fail(info === 31 ? 'an indefinite length' : `a reserved head 0x${first.toString(16)}`);
    if (next > this.bytes.length) this.fail('the data ends inside a head');
    if (!Number.isSafeInteger(value)) this.fail('an integer beyond 2^53 (bigints are tagged)');
    if (info >= 24 && value < (info === 24 ? 24 : info === 25 ? 0x100 : info === 26 ? 0x1_0000 : 0x1_0000_0000))
      this.fail('a head not in its shortest form');
    this.at = next;
    return value;
  }

  /** `length` bytes from `at`, checked to be there. */
  take(length: number): number {
    const start = this.at;
    if (start + length > this.bytes.length) this.fail(`${length} bytes announced, ${this.bytes.length - start} left`);
    this.at = start + length;
    return start;
  }

  value(depth: number): unknown {
    const first = this.bytes[this.at];
    if (first === undefined) return this.fail('the data ends where a value should start');
    switch (first >> 5) {
      case 0:
        return this.argument(first);
      case 1:
        return -1 - this.argument(first);
      case 2: {
        const start = this.take(this.argument(first));
        return this.bytes.slice(start, this.at);
      }
      case 3:
        return this.text(first);
      case 4: {
        if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
        const length = this.argument(first);
        // Every element takes at least a byte: a length beyond what is left is refused before allocating for it.
        if (length > this.bytes.length - this.at) this.fail(`an array of ${length} items in ${this.bytes.length - this.at} bytes`);
        const array: unknown[] = new Array(length);
        for (let i = 0; i < length; i++) array[i] = this.value(depth + 1);
        return array;
      }
      case 5: {
        if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
        const length = this.argument(first);
        const record: Record<string, unknown> = {};
        for (let i = 0; i < length; i++) {
          const keyAt = this.at;
          const keyFirst = this.bytes[keyAt];
          if (keyFirst === undefined || keyFirst >> 5 !== 3) this.fail('a map key that is not text');
          const key = this.text(keyFirst);
          if (Object.hasOwn(record, key)) {
            this.at = keyAt;
            this.fail(`a duplicate map key "${key}"`);
          }
          // defineProperty, not assignment: a key named __proto__ must stay a plain property.
          if (key === '__proto__')
            Object.defineProperty(record, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
          else record[key] = this.value(depth + 1);
        }
        return record;
      }
      case 6:
        return this.bignum(first);
      default:
        return this.simple(first);
    }
  }

  text(first: number): string {
    const length = this.argument(first);
    const start = this.take(length);
    const bytes = this.bytes;
    if (length <= 64) {
      let text = '';
      for (let i = start; i < this.at; i++) {
        const byte = bytes[i]!;
        if (byte >= 0x80) return this.utf8(start);
        text += String.fromCharCode(byte);
      }
      return text;
    }
    return this.utf8(start);
  }

  utf8(start: number): string {
    try {
      return utf8Decoder.decode(this.bytes.subarray(start, this.at));
    } catch {
      this.at = start;
      return this.fail('text that is not UTF-8');
    }
  }

  bignum(first: number): bigint {
    if (first !== 0xc2 && first !== 0xc3) return this.fail(`a tag other than 2 or 3 (0x${first.toString(16)})`);
    this.at += 1;
    const head = this.bytes[this.at];
    if (head === undefined || head >> 5 !== 2) return this.fail('a bignum whose content is not a byte string');
    const start = this.take(this.argument(head));
    if (this.at > start && this.bytes[start] === 0) {
      this.at = start;
      this.fail('a bignum with a leading zero byte');
    }
    let magnitude = 0n;
    if (this.at - start <= 8) {
      for (let i = start; i < this.at; i++) magnitude = (magnitude << 8n) | BigInt(this.bytes[i]!);
    } else {
      magnitude = BigInt(`0x${Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, this.at - start).toString('hex')}`);
    }
    return first === 0xc2 ? magnitude : -1n - magnitude;
  }

  simple(first: number): unknown {
    if (first === 0xf6) {
      this.at += 1;
      return null;
    }
    if (first === 0xf5 || first === 0xf4) {
      this.at += 1;
      return first === 0xf5;
    }
    if (first === 0xfb) {
      const start = this.take(9);
      const value = this.view.getFloat64(start + 1);
      // Integers are integer items, and NaN has one encoding: anything else is not what the encoder writes.
      if ((Number.isSafeInteger(value) && !Object.is(value, -0)) || (Number.isNaN(value) && this.view.getUint32(start + 1) !== 0x7ff8_0000))
        this.fail('a float64 the encoder would have written otherwise');
      if (Number.isNaN(value) && this.view.getUint32(start + 5) !== 0) this.fail('a NaN other than 0x7ff8000000000000');
      return value;
    }
    return this.fail(`an item of type 0x${first.toString(16)} (only null, true, false and float64 are used)`);
  }
}
