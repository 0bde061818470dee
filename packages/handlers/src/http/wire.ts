/** Helpers shared by the http-framework server and the http-client exchange. */

/** Header names (lower-cased) and values from node:http's `rawHeaders`, in the order received, repeated names kept. */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return pairs;
}

/**
 * `chunks` joined in a fresh array with its own ArrayBuffer (one copy): a view into Node's shared buffer pool would
 * send the whole pool to the actor's worker.
 */
export function concatBytes(
  chunks: readonly Uint8Array[],
  size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0),
): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
