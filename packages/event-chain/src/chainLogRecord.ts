/**
 * One record of a chain log: the events one append made durable for one actor. On disk a record is a frame: a
 * 4-byte big-endian payload length, the CRC-32 of the payload (4 bytes, big-endian), then the payload:
 *
 *     payload = u8 kind (1: events) | u16 actor id byte length | actor id (utf8) | events, each a u32 length + encodeStoredEvent(event)
 *
 * The checksum is what tells a torn tail (a write the process did not finish before it was killed) from a record:
 * a frame whose length runs past the end of the file, or whose checksum does not match, ends the readable log.
 */
import { crc32 } from 'node:zlib';
import { encodeStoredEvent, type ChainEvent } from './eventFormat.js';

/** The bytes before a record's payload: its length and its checksum. */
export const RECORD_HEADER_BYTES = 8;
/** The largest payload a record may hold (a length field above it is a torn or corrupt frame). */
export const RECORD_MAX_BYTES = 0x7fff_ffff;
const KIND_EVENTS = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A decoded record: an actor's consecutive events, as stored bytes (decode them with `decodeStoredEvent`). */
export interface ChainLogRecord {
  readonly actorId: string;
  readonly events: readonly Uint8Array[];
}

/** The frame of one record holding `events` of `actorId`, ready to be written. */
export function encodeChainLogRecord(actorId: string, events: readonly ChainEvent[]): Uint8Array {
  const actor = encoder.encode(actorId);
  if (actor.length > 0xffff) throw new RangeError(`an actor id in a chain log holds at most 65535 bytes, got ${actor.length}`);
  const stored = events.map(encodeStoredEvent);
  let payloadBytes = 3 + actor.length;
  for (const bytes of stored) payloadBytes += 4 + bytes.length;
  if (payloadBytes > RECORD_MAX_BYTES)
    throw new RangeError(`a chain log record holds at most ${RECORD_MAX_BYTES} bytes, got ${payloadBytes}`);
  const frame = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payloadBytes);
  let at = RECORD_HEADER_BYTES;
  frame[at] = KIND_EVENTS;
  frame.writeUInt16BE(actor.length, at + 1);
  frame.set(actor, at + 3);
  at += 3 + actor.length;
  for (const bytes of stored) {
    frame.writeUInt32BE(bytes.length, at);
    frame.set(bytes, at + 4);
    at += 4 + bytes.length;
  }
  const payload = frame.subarray(RECORD_HEADER_BYTES);
  frame.writeUInt32BE(payloadBytes, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** The outcome of reading the frame at `offset` of `bytes`: a record and where the next frame starts, or where and why reading stops. */
export type ChainLogFrameResult =
  | { readonly ok: true; readonly record: ChainLogRecord; readonly next: number }
  | { readonly ok: false; readonly reason: 'end' | 'torn' | 'checksum' | 'malformed' };

/**
 * Reads the frame at `offset`: `end` when nothing follows, `torn` when the frame runs past the bytes, `checksum`
 * when its checksum does not match, `malformed` when the checksum matches but the payload is no record.
 */
export function readChainLogFrame(bytes: Uint8Array, offset: number): ChainLogFrameResult {
  if (offset >= bytes.length) return { ok: false, reason: 'end' };
  if (offset + RECORD_HEADER_BYTES > bytes.length) return { ok: false, reason: 'torn' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(offset);
  if (length > RECORD_MAX_BYTES || offset + RECORD_HEADER_BYTES + length > bytes.length) return { ok: false, reason: 'torn' };
  const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length);
  if (crc32(payload) !== view.getUint32(offset + 4)) return { ok: false, reason: 'checksum' };
  const record = decodePayload(payload);
  if (record === undefined) return { ok: false, reason: 'malformed' };
  return { ok: true, record, next: offset + RECORD_HEADER_BYTES + length };
}

function decodePayload(payload: Uint8Array): ChainLogRecord | undefined {
  if (payload.length < 3 || payload[0] !== KIND_EVENTS) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const actorBytes = view.getUint16(1);
  if (3 + actorBytes > payload.length) return undefined;
  let actorId: string;
  try {
    actorId = decoder.decode(payload.subarray(3, 3 + actorBytes));
  } catch {
    return undefined;
  }
  const events: Uint8Array[] = [];
  for (let at = 3 + actorBytes; at < payload.length; ) {
    if (at + 4 > payload.length) return undefined;
    const length = view.getUint32(at);
    if (at + 4 + length > payload.length) return undefined;
    events.push(payload.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { actorId, events };
}
