import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../src/lib/decodeBytes.js';
import { formatReply, formatState } from '../src/lib/formatPayload.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('decodeBytes', () => {
  it('decodes UTF-8 JSON as text and JSON', () => {
    expect(decodeBytes(text('{"count":2}'))).toEqual({
      bytes: 11,
      hex: '7b22636f756e74223a327d',
      text: '{"count":2}',
      json: { value: { count: 2 } },
    });
  });

  it('treats valid UTF-8 with control characters as binary', () => {
    expect(decodeBytes(new Uint8Array([1, 0, 0, 0]))).toMatchObject({ text: undefined, json: undefined, hex: '01000000' });
  });

  it('treats invalid UTF-8 as binary', () => {
    expect(decodeBytes(new Uint8Array([0xff, 0xfe])).text).toBeUndefined();
  });
});

describe('formatState', () => {
  it('pretty-prints JSON', () => {
    expect(formatState(text('{"count":2}'))).toBe('{\n  "count": 2\n}');
  });

  it('prints text that is not JSON as it is', () => {
    expect(formatState(text('héllo\nworld'))).toBe('héllo\nworld');
  });

  it('prints binary as hex with its size', () => {
    expect(formatState(new Uint8Array([2, 0, 0, 0]))).toBe('0x02000000 (4 bytes)');
  });

  it('says when there is no state', () => {
    expect(formatState(undefined)).toBe('(no state)');
  });
});

describe('formatReply', () => {
  it('prints text replies as they are and quotes empty or padded ones', () => {
    expect(formatReply(text('3'))).toBe('3');
    expect(formatReply(text(''))).toBe('""');
    expect(formatReply(text(' x '))).toBe('" x "');
  });

  it('prints binary replies as hex and a missing reply as such', () => {
    expect(formatReply(new Uint8Array([0xff]))).toBe('0xff (1 byte)');
    expect(formatReply(undefined)).toBe('(no reply)');
  });
});
