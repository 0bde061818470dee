/** Provisional event hash (format 0): replaced by the canonical DAG-CBOR encoding of the persisted chain. */
import { sha256 } from '@noble/hashes/sha2.js';

const encoder = new TextEncoder();

/**
 * SHA-256 over `parent(32 bytes or none) | u32be(len type) | type | u32be(len data) | data | f64be(time) | u32be(seq)`,
 * so each event commits to its predecessor, position, type, payload and time.
 */
export function hashEvent(parent: Uint8Array | null, seq: number, type: string, data: Uint8Array, time: number): Uint8Array {
  const typeBytes = encoder.encode(type);
  const parentLength = parent?.length ?? 0;
  const buffer = new Uint8Array(parentLength + 4 + typeBytes.length + 4 + data.length + 8 + 4);
  const view = new DataView(buffer.buffer);
  let at = 0;
  if (parent !== null) {
    buffer.set(parent, 0);
    at = parent.length;
  }
  view.setUint32(at, typeBytes.length);
  buffer.set(typeBytes, at + 4);
  at += 4 + typeBytes.length;
  view.setUint32(at, data.length);
  buffer.set(data, at + 4);
  at += 4 + data.length;
  view.setFloat64(at, time);
  view.setUint32(at + 8, seq);
  return sha256(buffer);
}
