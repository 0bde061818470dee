/** Turns bytes an actor produced (replies, state) into the views a person or a script can read. */

/** What a byte string holds, as far as we can tell. */
export interface DecodedBytes {
  readonly bytes: number;
  readonly hex: string;
  /** The UTF-8 text, when the bytes are valid UTF-8 without control characters (tabs and newlines allowed). */
  readonly text: string | undefined;
  /** Set when the text parses as JSON. */
  readonly json: { readonly value: unknown } | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Valid UTF-8 can still be binary (a little-endian u32 counter is four valid code points): control characters say so.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

/** Decodes bytes into hex, printable UTF-8 text and JSON, whichever apply. */
export function decodeBytes(bytes: Uint8Array): DecodedBytes {
  const text = toPrintableText(bytes);
  return { bytes: bytes.byteLength, hex: toHex(bytes), text, json: text === undefined ? undefined : parseJson(text) };
}

/** Lower-case hex of the bytes, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function toPrintableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return CONTROL.test(text) ? undefined : text;
}

function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
