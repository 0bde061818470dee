/** Event data encoding 1 (event format v1): JSON that keeps byte arrays and 64-bit integers intact. */

const BYTES = '$bytes';
const BIGINT = '$bigint';

/** UTF-8 JSON; `Uint8Array`s become `{"$bytes": base64}`, bigints `{"$bigint": "…"}`. */
export function encodeJsonEventData(value: unknown): Uint8Array {
  // Buffer.from is several times faster than TextEncoder for short strings, and cuts the bytes from Node's shared
  // pool; they are returned as a plain Uint8Array view (slice it before structured cloning, which copies the slab).
  const bytes = Buffer.from(JSON.stringify(toJsonValue(value)), 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// A walk before stringify is several times cheaper than a JSON.stringify replacer, and this runs for every event.
function toJsonValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? { [BIGINT]: value.toString() } : value;
  }
  if (value instanceof Uint8Array) return { [BYTES]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonValue);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = toJsonValue(item);
  }
  return out;
}

/** Decodes what `encodeJsonEventData` produced. */
export function decodeJsonEventData(bytes: Uint8Array): unknown {
  // Parsing plainly and then walking is several times cheaper than a JSON.parse reviver, and replay runs this for
  // every recorded call and host call.
  return fromJsonValue(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')));
}

function fromJsonValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromJsonValue(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const bytes = record[BYTES];
  if (typeof bytes === 'string' && hasOneKey(record)) return new Uint8Array(Buffer.from(bytes, 'base64'));
  const bigint = record[BIGINT];
  if (typeof bigint === 'string' && hasOneKey(record)) return BigInt(bigint);
  for (const key in record) {
    const item = record[key];
    const decoded = fromJsonValue(item);
    // defineProperty, not assignment: a key named __proto__ must stay a plain property.
    if (decoded !== item) Object.defineProperty(record, key, { value: decoded, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

function hasOneKey(record: Record<string, unknown>): boolean {
  let keys = 0;
  for (const _key in record) if (++keys > 1) return false;
  return true;
}
