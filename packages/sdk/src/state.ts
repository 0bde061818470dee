/**
 * Small helpers for actor code (they run inside the component): typed JSON state and text messages.
 *
 * Import them from `@theater/sdk/guest` in an actor; they use only `TextEncoder`, `TextDecoder` and `JSON`.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes `value` as UTF-8 JSON bytes, e.g. to return as an actor's new state. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/**
 * Decodes UTF-8 JSON bytes, or returns `fallback` when there are none (an actor's state is `undefined` before its
 * first commit).
 *
 * @example
 * const { count } = decodeJson(state, { count: 0 });
 */
export function decodeJson<T>(bytes: Uint8Array | undefined, fallback: T): T {
  if (bytes === undefined || bytes.byteLength === 0) return fallback;
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** Encodes a string as UTF-8 bytes. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes into a string. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
