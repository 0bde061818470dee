/** A message on the wire: exactly one of `text` (UTF-8), `json` (sent as its UTF-8 JSON) or `base64` (bytes). */
import { ServerError } from './serverError.js';

/** The JSON Schema of a payload body (its `oneOf` makes "exactly one" part of the OpenAPI description). */
export const payloadSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    text: { type: 'string', description: 'UTF-8 text' },
    json: { description: 'Any JSON value, delivered as its UTF-8 JSON' },
    base64: { type: 'string', contentEncoding: 'base64', description: 'Bytes' },
  },
  oneOf: [{ required: ['text'] }, { required: ['json'] }, { required: ['base64'] }],
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/u;
const encoder = new TextEncoder();

/** The bytes a payload body carries; `invalid-request` (400) unless it has exactly one well-formed field. */
export function payloadBytes(body: unknown): Uint8Array {
  if (typeof body !== 'object' || body === null) throw invalidPayload();
  const given = ['text', 'json', 'base64'].filter((key) => key in body);
  if (given.length !== 1) throw invalidPayload();
  const { text, json, base64 } = body as { text?: unknown; json?: unknown; base64?: unknown };
  if (given[0] === 'text') {
    if (typeof text !== 'string') throw invalidPayload('text must be a string');
    return encoder.encode(text);
  }
  if (given[0] === 'json') return encoder.encode(JSON.stringify(json));
  if (typeof base64 !== 'string' || base64.length % 4 !== 0 || !BASE64.test(base64)) throw invalidPayload('base64 must be padded base64');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Bytes as base64, for answers. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function invalidPayload(detail = 'give exactly one of text, json or base64'): ServerError {
  return new ServerError('invalid-request', `invalid message: ${detail}`, 400);
}
