/**
 * Changes to a chain file's bytes for fuzz tests (fast-check arbitraries): bit flips, overwrites, truncation,
 * insertion, appended garbage, and frames swapped, dropped, repeated or given another length.
 *
 * @example
 * fc.assert(fc.asyncProperty(changedChainFile(file), async ({ bytes }) => { ... }));
 */
import fc from 'fast-check';

/** The frames of a chain file (length prefix included), following the length prefixes; a cut-short tail is one more. */
function frames(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = offset + 4 <= bytes.length ? Math.min(bytes.length, offset + 4 + view.getUint32(offset)) : bytes.length;
    found.push(bytes.subarray(offset, end));
    offset = end;
  }
  return found;
}

/** One change to the file's bytes; `apply` returns the changed copy. */
export type Mutation = { readonly name: string; readonly apply: (bytes: Uint8Array) => Uint8Array };

const position = fc.nat();
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, fc.integer({ min: 0, max: 7 })).map(([at, bit]) => ({
    name: `flip bit ${bit} of byte ${at}`,
    apply: (bytes: Uint8Array) => {
      const copy = Uint8Array.from(bytes);
      copy[at % copy.length] = copy[at % copy.length]! ^ (1 << bit);
      return copy;
    },
  })),
  fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, patch]) => ({
    name: `overwrite at ${at} with ${Buffer.from(patch).toString('hex')}`,
    apply: (bytes: Uint8Array) => {
      const copy = Uint8Array.from(bytes);
      copy.set(patch.subarray(0, copy.length - (at % copy.length)), at % copy.length);
      return copy;
    },
  })),
  position.map((at) => ({ name: `truncate to ${at}`, apply: (bytes: Uint8Array) => bytes.slice(0, at % bytes.length) })),
  fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, inserted]) => ({
    name: `insert ${Buffer.from(inserted).toString('hex')} at ${at}`,
    apply: (bytes: Uint8Array) => concat([bytes.subarray(0, at % bytes.length), inserted, bytes.subarray(at % bytes.length)]),
  })),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((garbage) => ({
    name: `append ${Buffer.from(garbage).toString('hex')}`,
    apply: (bytes: Uint8Array) => concat([bytes, garbage]),
  })),
  fc.tuple(position, position).map(([a, b]) => ({
    name: `swap frames ${a} and ${b}`,
    apply: (bytes: Uint8Array) => {
      const all = frames(bytes);
      const [i, j] = [a % all.length, b % all.length];
      [all[i], all[j]] = [all[j]!, all[i]!];
      return concat(all);
    },
  })),
  position.map((a) => ({
    name: `drop frame ${a}`,
    apply: (bytes: Uint8Array) => {
      const all = frames(bytes);
      all.splice(a % all.length, 1);
      return concat(all);
    },
  })),
  fc.tuple(position, position).map(([a, b]) => ({
    name: `repeat frame ${a} at ${b}`,
    apply: (bytes: Uint8Array) => {
      const all = frames(bytes);
      all.splice(b % (all.length + 1), 0, all[a % all.length]!);
      return concat(all);
    },
  })),
  fc.tuple(position, fc.integer({ min: 0, max: 0xffff_ffff })).map(([a, length]) => ({
    name: `set frame ${a}'s length to ${length}`,
    apply: (bytes: Uint8Array) => {
      const copy = Uint8Array.from(bytes);
      const all = frames(bytes);
      const offset = all.slice(0, a % all.length).reduce((sum, frame) => sum + frame.length, 0);
      if (offset + 4 <= copy.length) new DataView(copy.buffer).setUint32(offset, length);
      return copy;
    },
  })),
);

/** One to three mutations of `file` in a row, kept only when the bytes changed; `names` says what was done. */
export function changedChainFile(file: Uint8Array): fc.Arbitrary<{ readonly names: readonly string[]; readonly bytes: Uint8Array }> {
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((mutations) => ({
      names: mutations.map((m) => m.name),
      bytes: mutations.reduce((bytes, m) => (bytes.length === 0 ? bytes : m.apply(bytes)), file),
    }))
    .filter(({ bytes }) => !Buffer.from(bytes).equals(Buffer.from(file)));
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
