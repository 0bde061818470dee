/** Message payloads: what a caller may give (bytes, text, or a JSON value) and how it travels. */
import type { PayloadBody } from './apiTypes.js';

/** A message: its bytes, UTF-8 text, or `{ json }` (sent as its UTF-8 JSON). */
export type Payload = Uint8Array | string | { readonly json: unknown };

/** The wire body of a payload. */
export function toPayloadBody(payload: Payload): PayloadBody {
  if (typeof payload === 'string') return { text: payload };
  if (payload instanceof Uint8Array) return { base64: toBase64(payload) };
  return { json: payload.json };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The bytes a payload stands for: text as UTF-8, `{ json }` as its UTF-8 JSON. */
export function toPayloadBytes(payload: Payload): Uint8Array {
  if (typeof payload === 'string') return new TextEncoder().encode(payload);
  if (payload instanceof Uint8Array) return payload;
  return new TextEncoder().encode(JSON.stringify(payload.json));
}
