/** Message payloads on the wire (`{ text }`, `{ json }` or `{ base64 }`, exactly one) and the bytes they stand for. */
import { ServerError } from './serverError.js';

/** A payload as a request body carries it. */
export type PayloadBody = { readonly text: string } | { readonly json: unknown } | { readonly base64: string };

/** Canonical base64 (RFC 4648 alphabet, padded): Buffer.from would silently skip anything else. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/u;

/** The JSON Schema of a payload body: exactly one of `text`, `json` and `base64`. */
export const payloadBodySchema = {
  type: 'object',
  description: 'The message: exactly one of text (sent as UTF-8), json (sent as its UTF-8 JSON) or base64 (the bytes)',
  properties: {
    text: { type: 'string' },
    json: { description: 'Any JSON value; the actor receives its UTF-8 JSON' },
    base64: { type: 'string', contentEncoding: 'base64', pattern: BASE64.source },
  },
  oneOf: [{ required: ['text'] }, { required: ['json'] }, { required: ['base64'] }],
} as const;

/** The bytes a payload body stands for; `invalid-request` (400) unless it has exactly one well-formed field. */
export function payloadBytes(body: unknown): Uint8Array {
  const given = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const fields = (['text', 'json', 'base64'] as const).filter((field) => Object.hasOwn(given, field));
  if (fields.length !== 1) throw new ServerError('invalid-request', 'a payload needs exactly one of text, json or base64', 400);
  const { text, json, base64 } = given;
  if (fields[0] === 'text') {
    if (typeof text !== 'string') throw new ServerError('invalid-request', 'text must be a string', 400);
    return new TextEncoder().encode(text);
  }
  if (fields[0] === 'json') return new TextEncoder().encode(JSON.stringify(json));
  if (typeof base64 !== 'string' || !BASE64.test(base64)) throw new ServerError('invalid-request', 'base64 must be a base64 string', 400);
  return fromBase64(base64);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
