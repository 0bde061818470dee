import { describe, expect, it } from 'vitest';
import { decodeEventData, encodeEventData } from '../src/eventData.js';

describe('event data v1 (JSON)', () => {
  it('round-trips bytes, bigints and nested values', () => {
    const value = { a: [new Uint8Array([1, 2, 3]), { b: 2n ** 70n }], s: 'text', n: null, x: 1.5 };
    expect(decodeEventData(encodeEventData(value, 1), 1)).toEqual(value);
    expect(encodeEventData({ skip: undefined, keep: 1 }, 1)).toEqual(new TextEncoder().encode('{"keep":1}'));
  });

  it('keeps a __proto__ key a plain property', () => {
    const decoded = decodeEventData(new TextEncoder().encode('{"__proto__":{"$bytes":"AQI="},"k":{"$bigint":"5"}}'), 1) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual(new Uint8Array([1, 2]));
    expect(decoded['k']).toBe(5n);
  });
});
