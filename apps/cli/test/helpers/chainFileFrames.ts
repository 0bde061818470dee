/** Each frame of a chain file: where its payload starts and its bytes, found by following the length prefixes. */
export function chainFileFrames(file: Uint8Array): { start: number; bytes: Uint8Array }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const found: { start: number; bytes: Uint8Array }[] = [];
  for (let offset = 0; offset < file.length; ) {
    const length = view.getUint32(offset);
    found.push({ start: offset + 4, bytes: file.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  return found;
}
