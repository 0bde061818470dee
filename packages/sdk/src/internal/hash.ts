/** SHA-256 helpers for component hashes and build cache keys. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** Lower-case hex SHA-256 of the JSON encoding of `value` (callers pass plain data with a fixed key order). */
export function sha256OfJson(value: unknown): string {
  return sha256Hex(utf8ToBytes(JSON.stringify(value)));
}
