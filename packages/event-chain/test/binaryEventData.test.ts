import * as cborg from 'cborg';
import { bigIntDecoder, bigNegIntDecoder } from 'cborg/taglib';
import { describe, expect, it } from 'vitest';
import { decodeBinaryEventData, encodeBinaryEventData } from '../src/binaryEventData.js';
import { decodeEventData, encodeEventData } from '../src/eventData.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** cborg as a reference: maps in insertion order, every float as float64, every bigint as a bignum (tags 2 and 3). */
function referenceEncode(value: unknown): Uint8Array {
  return cborg.encode(value, {
    float64: true,
    mapSorter: () => 0,
    ignoreUndefinedProperties: true,
    typeEncoders: {
      bigint: (n: bigint) => {
        const magnitude = n < 0n ? -1n - n : n;
        let digits = magnitude === 0n ? '' : magnitude.toString(16);
        if (digits.length % 2 === 1) digits = `0${digits}`;
        return [new cborg.Token(cborg.Type.tag, n < 0n ? 3 : 2), new cborg.Token(cborg.Type.bytes, fromHex(digits))];
      },
    },
  });
}

const referenceDecode = (bytes: Uint8Array): unknown => {
  const tags: cborg.TagDecoder[] = [];
  tags[2] = bigIntDecoder;
  tags[3] = bigNegIntDecoder;
  return cborg.decode(bytes, { tags });
};

const integers = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
const bigints = [0n, 1n, 255n, 256n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 70n + 5n];
const strings = ['', 'a', 'x'.repeat(23), 'y'.repeat(24), 'z'.repeat(300), 'héllo ✓ 🎭', `${'a'.repeat(70)}é`];

describe('binary event data (event format v2)', () => {
  it('encodes exactly as cborg does, at every integer, length and bignum boundary', () => {
    const values: unknown[] = [
      null,
      true,
      false,
      ...integers,
      ...integers.map((n) => -n - 1),
      1.5,
      -2.25,
      2 ** 53,
      1e300,
      Number.POSITIVE_INFINITY,
      ...bigints,
      ...bigints.map((n) => -n - 1n),
      ...strings,
      ...[0, 1, 23, 24, 255, 256, 70_000].map((length) => new Uint8Array(length).fill(7)),
      [],
      [1, [2, [3]], 'x'],
      {
        interface: 'theater:simple/message-server-client',
        function: 'handle-send',
        params: [Uint8Array.of(1, 2, 3, 4), [Uint8Array.of(5)]],
      },
      { zeta: 1, alpha: { nested: [null, 'v'] }, skipped: undefined, b: 2n },
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])),
    ];
    for (const value of values) {
      const encoded = encodeBinaryEventData(value);
      expect(hex(encoded), String(value)).toBe(hex(referenceEncode(value)));
      expect(referenceDecode(encoded)).toEqual(withoutUndefined(value));
      expect(decodeBinaryEventData(encoded)).toEqual(withoutUndefined(value));
    }
  });

  it('round-trips what the kernel records: bytes, bigints, nested records and lists', () => {
    const value = { a: [new Uint8Array([1, 2, 3]), { b: 2n ** 70n, c: -5n }], s: 'text', n: null, x: 1.5, t: true };
    expect(decodeBinaryEventData(encodeBinaryEventData(value))).toEqual(value);
    expect(decodeEventData(encodeEventData(value))).toEqual(value);
    expect(decodeEventData(encodeEventData(value, 1), 1)).toEqual(value);
  });

  it('writes the bytes pinned here (changing them changes every v2 hash)', () => {
    expect(hex(encodeBinaryEventData({ args: [5000n, 'hi', Uint8Array.of(1, 2)], result: null, f: -1.5 }))).toBe(
      'a3646172677383c242138862686942010266726573756c74f66166fbbff8000000000000',
    );
  });

  it('keeps what JSON loses, and writes what JSON writes as null as null', () => {
    const decoded = decodeBinaryEventData(
      encodeBinaryEventData([Number.NaN, -0, Number.NEGATIVE_INFINITY, undefined, () => 1]),
    ) as unknown[];
    expect(decoded[0]).toBeNaN();
    expect(Object.is(decoded[1], -0)).toBe(true);
    expect(decoded.slice(2)).toEqual([Number.NEGATIVE_INFINITY, null, null]);
    expect(hex(encodeBinaryEventData(Number.NaN))).toBe('fb7ff8000000000000');
  });

  it('keeps a __proto__ key a plain property, and a {"$bytes"} record a record', () => {
    const decoded = decodeBinaryEventData(fromHex('a2695f5f70726f746f5f5f420102662462797465736141')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual(new Uint8Array([1, 2]));
    expect(decoded['$bytes']).toBe('A');
  });

  it('returns byte strings as copies, not views of the event', () => {
    const encoded = encodeBinaryEventData({ state: Uint8Array.of(1, 2, 3, 4) });
    const { state } = decodeBinaryEventData(encoded) as { state: Uint8Array };
    expect(state.buffer.byteLength).toBe(4);
  });

  it('refuses anything the encoder does not write, with a TypeError naming the offset', () => {
    const deep = new Uint8Array(1001).fill(0x81);
    const cases: [string, Uint8Array, string][] = [
      ['nothing', fromHex(''), 'at byte 0: the data ends where a value should start'],
      ['trailing bytes', fromHex('f6f6'), 'at byte 1: 1 bytes after the value'],
      ['a truncated string', fromHex('63616263'.slice(0, 6)), 'at byte 1: 3 bytes announced, 2 left'],
      ['a truncated head', fromHex('19'), 'the data ends inside a head'],
      ['an indefinite array', fromHex('9fff'), 'an indefinite length'],
      ['a non-shortest head', fromHex('1805'), 'a head not in its shortest form'],
      ['an integer beyond 2^53', fromHex('1b0020000000000000'), 'an integer beyond 2^53'],
      ['another tag', fromHex('d82a4100'), 'a tag other than 2 or 3'],
      ['a bignum of text', fromHex('c26161'), 'a bignum whose content is not a byte string'],
      ['a bignum with a leading zero', fromHex('c2420001'), 'a bignum with a leading zero byte'],
      ['undefined', fromHex('f7'), 'only null, true, false and float64'],
      ['a float32', fromHex('fa3fc00000'), 'only null, true, false and float64'],
      ['an integral float64', fromHex('fb3ff0000000000000'), 'a float64 the encoder would have written otherwise'],
      ['another NaN', fromHex('fb7ff8000000000001'), 'a NaN other than'],
      ['text that is not UTF-8', fromHex('62c328'), 'at byte 1: text that is not UTF-8'],
      ['a duplicate key', fromHex('a2616101616102'), 'at byte 4: a duplicate map key "a"'],
      ['a key that is not text', fromHex('a10101'), 'a map key that is not text'],
      ['an array longer than the data', fromHex('9a00010000'), 'an array of 65536 items in 0 bytes'],
      ['nesting deeper than 1000 levels', deep, 'nesting deeper than 1000 levels'],
    ];
    for (const [what, bytes, message] of cases) {
      expect(() => decodeBinaryEventData(bytes), what).toThrow(TypeError);
      expect(() => decodeBinaryEventData(bytes), what).toThrow(message);
    }
    let nested: unknown = 1;
    for (let i = 0; i < 1001; i++) nested = [nested];
    expect(() => encodeBinaryEventData(nested)).toThrow('event data nests deeper than 1000 levels');
  });

  it('decodes the version the caller names, and refuses unknown versions', () => {
    expect(() => decodeEventData(encodeEventData({ a: 1 }, 2), 1)).toThrow();
    expect(() => decodeEventData(encodeEventData({ a: 1 }, 1), 2)).toThrow(TypeError);
    expect(() => encodeEventData({}, 3 as 2)).toThrow('expected event format version 1 or 2, got 3');
    expect(() => decodeEventData(new Uint8Array(0), 0 as 1)).toThrow('expected event format version 1 or 2, got 0');
  });
});

/** The value as it decodes: records without their undefined properties. */
function withoutUndefined(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(withoutUndefined);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  );
}
