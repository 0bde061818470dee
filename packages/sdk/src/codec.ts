/**
 * Codecs: how `defineActor` turns an actor's typed state, messages and replies into the bytes the WIT carries.
 * JSON is the default; text and raw bytes are there when wanted; any `{ encode, decode }` pair plugs in.
 */

/** Turns values of type `T` into bytes and back. `decode` throws when the bytes are not a `T`. */
export interface Codec<T> {
  /**
   * `'json'` when `encode` writes one JSON text (UTF-8): replies then nest the value in the JSON reply envelope
   * (`{"ok": …}`); any other codec's replies use the byte framing `ok:<bytes>` (see `encodeReply`).
   */
  readonly format: 'json' | 'binary';
  /** A short name for messages (`json`, `text`, `bytes`, …). */
  readonly name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON codec (UTF-8 JSON text). `check`, when given, validates (or transforms) what `JSON.parse` returns and
 * throws when it is not a `T`, e.g. a schema library's `parse`; without it the decoded value is trusted as a `T`.
 * `undefined` (and anything `JSON.stringify` drops) is encoded as `null`.
 *
 * @example
 * const commands = jsonCodec<Command>((value) => CommandSchema.parse(value));
 */
export function jsonCodec<T>(check?: (value: unknown) => T): Codec<T> {
  return {
    format: 'json',
    name: 'json',
    encode: (value) => encoder.encode(JSON.stringify(value) ?? 'null'),
    decode: (bytes) => {
      const value: unknown = JSON.parse(decoder.decode(bytes));
      return check === undefined ? (value as T) : check(value);
    },
  };
}

/** UTF-8 text; decoding bytes that are not valid UTF-8 throws. */
export const textCodec: Codec<string> = {
  format: 'binary',
  name: 'text',
  encode: (value) => encoder.encode(value),
  decode: (bytes) => decoder.decode(bytes),
};

/** The bytes as they are (copied, so a value never aliases the guest's argument buffers). */
export const bytesCodec: Codec<Uint8Array> = {
  format: 'binary',
  name: 'bytes',
  encode: (value) => {
    if (!(value instanceof Uint8Array)) throw new TypeError(`expected a Uint8Array, got ${describeValue(value)}`);
    return value.slice();
  },
  decode: (bytes) => bytes.slice(),
};

/** A short description of a value for error messages: its type, and a preview when it is small. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return `an object with keys ${JSON.stringify(Object.keys(value).slice(0, 5))}`;
  return `${typeof value} ${String(value)}`;
}
