import { describe, expect, it } from 'vitest';
import { bytesCodec, jsonCodec, textCodec } from '../src/guest.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('jsonCodec', () => {
  it('round-trips JSON values as UTF-8 JSON text', () => {
    const codec = jsonCodec<{ notes: string[] }>();
    expect(new TextDecoder().decode(codec.encode({ notes: ['é', 'b'] }))).toBe('{"notes":["é","b"]}');
    expect(codec.decode(utf8('{"notes":["a"]}'))).toEqual({ notes: ['a'] });
    expect(codec.format).toBe('json');
  });

  it('encodes undefined as null', () => {
    expect(new TextDecoder().decode(jsonCodec().encode(undefined))).toBe('null');
  });

  it('throws on bytes that are not JSON or not UTF-8', () => {
    expect(() => jsonCodec().decode(utf8('add milk'))).toThrow(SyntaxError);
    expect(() => jsonCodec().decode(new Uint8Array([0x22, 0xff, 0x22]))).toThrow(TypeError);
  });

  it('runs its check on decoded values and passes on what the check throws', () => {
    const positive = jsonCodec<number>((value) => {
      if (typeof value !== 'number' || value <= 0) throw new TypeError(`expected a positive number, got ${JSON.stringify(value)}`);
      return value;
    });
    expect(positive.decode(utf8('3'))).toBe(3);
    expect(() => positive.decode(utf8('-1'))).toThrow('expected a positive number, got -1');
  });

  it('throws on values JSON cannot encode', () => {
    expect(() => jsonCodec().encode(1n)).toThrow(TypeError);
  });
});

describe('textCodec and bytesCodec', () => {
  it('encodes text as UTF-8 and refuses bytes that are not UTF-8', () => {
    expect(textCodec.encode('héllo')).toEqual(utf8('héllo'));
    expect(textCodec.decode(utf8('héllo'))).toBe('héllo');
    expect(() => textCodec.decode(new Uint8Array([0xc3]))).toThrow(TypeError);
    expect(textCodec.format).toBe('binary');
  });

  it('passes bytes through as copies and refuses anything else', () => {
    const bytes = new Uint8Array([0, 255, 7]);
    const encoded = bytesCodec.encode(bytes);
    expect(encoded).toEqual(bytes);
    expect(encoded).not.toBe(bytes);
    expect(bytesCodec.decode(bytes)).not.toBe(bytes);
    expect(() => bytesCodec.encode('text' as unknown as Uint8Array)).toThrow('expected a Uint8Array, got the string "text"');
  });
});
