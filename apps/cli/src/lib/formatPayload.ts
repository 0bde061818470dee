/** Human-readable renderings of replies and states for `theater run`. */
import { decodeBytes } from './decodeBytes.js';

/** A reply on one line: its text, quoted when it is empty or padded, else hex and size. */
export function formatReply(reply: Uint8Array | undefined): string {
  if (reply === undefined) return '(no reply)';
  const decoded = decodeBytes(reply);
  if (decoded.text === undefined) return formatBinary(decoded.hex, decoded.bytes);
  return decoded.text === '' || decoded.text.trim() !== decoded.text ? JSON.stringify(decoded.text) : decoded.text;
}

/** A state: pretty JSON when it is UTF-8 JSON, else its UTF-8 text, else hex and size. */
export function formatState(state: Uint8Array | undefined): string {
  if (state === undefined) return '(no state)';
  const decoded = decodeBytes(state);
  if (decoded.json !== undefined) return JSON.stringify(decoded.json.value, null, 2);
  if (decoded.text !== undefined) return decoded.text;
  return formatBinary(decoded.hex, decoded.bytes);
}

function formatBinary(hex: string, bytes: number): string {
  const shown = hex.length > 128 ? `${hex.slice(0, 128)}…` : hex;
  return `0x${shown} (${bytes} ${bytes === 1 ? 'byte' : 'bytes'})`;
}

/** A received message on one line: its text (JSON-quoted when empty, padded or multi-line), else hex and size. */
export function formatMessageLine(message: Uint8Array): string {
  const decoded = decodeBytes(message);
  if (decoded.text === undefined) return formatBinary(decoded.hex, decoded.bytes);
  return /[\r\n]/u.test(decoded.text) ? JSON.stringify(decoded.text) : formatReply(message);
}
