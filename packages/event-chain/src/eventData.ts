/** JSON encoding of event payloads that keeps byte arrays and 64-bit integers intact. */

const BYTES = '$bytes';
const BIGINT = '$bigint';

/** Encodes a payload as UTF-8 JSON; `Uint8Array`s become `{"$bytes": base64}`, bigints `{"$bigint": "…"}`. */
export function encodeEventData(value: unknown): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (raw instanceof Uint8Array) return { [BYTES]: Buffer.from(raw).toString('base64') };
      if (typeof v === 'bigint') return { [BIGINT]: v.toString() };
      return v;
    }),
  );
}

/** Decodes what `encodeEventData` produced. */
export function decodeEventData(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && typeof record[BYTES] === 'string') {
        return new Uint8Array(Buffer.from(record[BYTES], 'base64'));
      }
      if (keys.length === 1 && typeof record[BIGINT] === 'string') return BigInt(record[BIGINT]);
    }
    return v;
  });
}
