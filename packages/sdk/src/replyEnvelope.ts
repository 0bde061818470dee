/**
 * The reply envelope: how a `defineActor` actor's answer to a request travels as bytes, so a requester can tell a
 * value from an application-level error reply.
 *
 * - Reply codec with format `json` (the default): one JSON object with one key, `{"ok":<value>}` or
 *   `{"error":<error>}`.
 * - Any other reply codec (`text`, `bytes`, custom): the bytes `ok:` followed by the encoded value, or `error:`
 *   followed by the error as UTF-8 JSON.
 *
 * The error value is always JSON. Which framing a requester expects follows from the codec it decodes with.
 */
import { describeValue, jsonCodec, type Codec } from './codec.js';
import { MessagingError } from './messagingError.js';

/** The error value the SDK itself replies with (`bad-request`, `not-handled`), and the default error type. */
export interface AppError {
  /** A stable, machine-readable code, e.g. `not-found`. */
  readonly code: string;
  /** What went wrong, for people. */
  readonly message: string;
  /** Anything else the requester may need (JSON). */
  readonly details?: unknown;
}

/** A decoded reply: the value, or the error the actor replied with. */
export type ReplyResult<T, E = AppError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const OK = encoder.encode('ok:');
const ERROR = encoder.encode('error:');
const defaultCodec = jsonCodec<unknown>();

/** Encodes `value` as a successful reply. */
export function encodeReply<T>(value: T, codec: Codec<T> = defaultCodec as Codec<T>): Uint8Array {
  const encoded = codec.encode(value);
  if (codec.format === 'json') return encoder.encode(`{"ok":${decoder.decode(encoded)}}`);
  return concat(OK, encoded);
}

/** Encodes `error` (any JSON value) as an error reply, in the framing of `codec` (the actor's reply codec). */
export function encodeErrorReply<E>(error: E, codec: Pick<Codec<unknown>, 'format'> = defaultCodec): Uint8Array {
  const json = JSON.stringify(error);
  if (json === undefined) throw new TypeError(`an error reply must be a JSON value, got ${describeValue(error)}`);
  if (codec.format === 'json') return encoder.encode(`{"error":${json}}`);
  return concat(ERROR, encoder.encode(json));
}

/**
 * Decodes a reply envelope into `{ ok: true, value }` or `{ ok: false, error }`. Throws a `MessagingError`
 * (`invalid-reply`) naming what it found when the bytes are not an envelope in `codec`'s framing, or the value does
 * not decode. The error value is returned as parsed, unchecked: type `E` is the requester's word.
 *
 * @example
 * const result = decodeReply<{ count: number }>(bytes);
 * if (result.ok) console.log(result.value.count); else console.log(result.error.code);
 */
export function decodeReply<T, E = AppError>(bytes: Uint8Array, codec: Codec<T> = defaultCodec as Codec<T>): ReplyResult<T, E> {
  if (codec.format === 'json') return decodeJsonEnvelope(bytes, codec);
  if (startsWith(bytes, OK)) {
    const value = attempt(() => codec.decode(bytes.subarray(OK.byteLength)), `the reply's value does not decode (${codec.name})`);
    return { ok: true, value };
  }
  if (startsWith(bytes, ERROR)) {
    const error = attempt(() => JSON.parse(decoder.decode(bytes.subarray(ERROR.byteLength))) as E, 'the error reply is not JSON');
    return { ok: false, error };
  }
  throw invalid(`expected a reply starting with "ok:" or "error:", got ${preview(bytes)}`);
}

function decodeJsonEnvelope<T, E>(bytes: Uint8Array, codec: Codec<T>): ReplyResult<T, E> {
  const envelope: unknown = attempt(
    () => JSON.parse(decoder.decode(bytes)),
    `expected a JSON reply {"ok":…} or {"error":…}, got ${preview(bytes)}`,
  );
  const keys = envelope !== null && typeof envelope === 'object' && !Array.isArray(envelope) ? Object.keys(envelope) : [];
  if (keys.length === 1 && keys[0] === 'ok') {
    const json = JSON.stringify((envelope as { ok: unknown }).ok);
    return { ok: true, value: attempt(() => codec.decode(encoder.encode(json)), `the reply's value does not decode (${codec.name})`) };
  }
  if (keys.length === 1 && keys[0] === 'error') return { ok: false, error: (envelope as { error: E }).error };
  throw invalid(`expected a JSON reply {"ok":…} or {"error":…}, got ${preview(bytes)}`);
}

function attempt<T>(run: () => T, problem: string): T {
  try {
    return run();
  } catch (error) {
    throw invalid(`${problem}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function invalid(message: string): MessagingError {
  return new MessagingError('invalid-reply', `invalid reply: ${message}`);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.byteLength >= prefix.byteLength && prefix.every((byte, i) => bytes[i] === byte);
}

function concat(prefix: Uint8Array, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.byteLength + rest.byteLength);
  out.set(prefix);
  out.set(rest, prefix.byteLength);
  return out;
}

/** Up to 60 bytes of a reply, as text when it is UTF-8, else as a size. */
function preview(bytes: Uint8Array): string {
  try {
    const text = decoder.decode(bytes);
    return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
  } catch {
    return `${bytes.byteLength} bytes that are not UTF-8`;
  }
}
