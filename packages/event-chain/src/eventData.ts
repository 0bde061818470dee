/**
 * Event payloads (an event's `data`), in the encoding of its format version: v2 binary (`binaryEventData.ts`), v1
 * JSON that keeps byte arrays and 64-bit integers intact.
 */
import { decodeBinaryEventData, encodeBinaryEventData } from './binaryEventData.js';
import { EVENT_FORMAT_VERSION, type EventFormatVersion } from './eventFormat.js';
import { decodeJsonEventData, encodeJsonEventData } from './jsonEventData.js';

/**
 * Encodes a payload for an event of format `v` (by default the current one, 2): v2 is binary (CBOR with raw byte
 * strings); v1 is UTF-8 JSON where `Uint8Array`s become `{"$bytes": base64}` and bigints `{"$bigint": "…"}` (also
 * the JSON view of a value that tools print).
 */
export function encodeEventData(value: unknown, v: EventFormatVersion = EVENT_FORMAT_VERSION): Uint8Array {
  if (v === 2) return encodeBinaryEventData(value);
  if (v !== 1) throw new TypeError(`expected event format version 1 or 2, got ${String(v)}`);
  return encodeJsonEventData(value);
}

/** Decodes the data of an event of format `v` (by default the current one): pass the event's own `v`. */
export function decodeEventData(bytes: Uint8Array, v: EventFormatVersion = EVENT_FORMAT_VERSION): unknown {
  if (v === 2) return decodeBinaryEventData(bytes);
  if (v !== 1) throw new TypeError(`expected event format version 1 or 2, got ${String(v)}`);
  return decodeJsonEventData(bytes);
}
