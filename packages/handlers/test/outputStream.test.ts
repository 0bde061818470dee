import { describe, expect, it } from 'vitest';
import { createOutputSplitter } from '../src/process/outputStream.js';

const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
const texts = (pieces: readonly Uint8Array[]): string[] => pieces.map((piece) => new TextDecoder().decode(piece));

describe('output splitting', () => {
  it('delivers raw chunks as they come, as copies', () => {
    const raw = createOutputSplitter('raw', { limit: 4 });
    const chunk = bytes('hello world');
    const [piece] = raw.push(chunk);
    expect(texts([piece!])).toEqual(['hello world']);
    chunk[0] = 0x48;
    expect(texts([piece!])).toEqual(['hello world']);
    expect(raw.push(new Uint8Array(0))).toEqual([]);
    expect(raw.pending).toBe(0);
    expect(raw.end()).toEqual([]);
  });

  it('delivers one line at a time without its newline, keeping empty lines, and the last partial line at the end', () => {
    const lines = createOutputSplitter('line-by-line', { limit: 100 });
    expect(texts(lines.push(bytes('one\ntw')))).toEqual(['one']);
    expect(lines.pending).toBe(2);
    expect(texts(lines.push(bytes('o\n\nthree\r\nfou')))).toEqual(['two', '', 'three\r']);
    expect(texts(lines.end())).toEqual(['fou']);
    expect(lines.pending).toBe(0);
    expect(lines.end()).toEqual([]);
  });

  it('cuts a line that reaches the limit into pieces of the limit', () => {
    const lines = createOutputSplitter('line-by-line', { limit: 4 });
    expect(texts(lines.push(bytes('abcdefghij')))).toEqual(['abcd', 'efgh']);
    expect(texts(lines.push(bytes('k\nxy')))).toEqual(['ijk']);
    expect(texts(lines.end())).toEqual(['xy']);
  });

  it('frames JSON lines like lines, skipping blank ones', () => {
    const json = createOutputSplitter('json', { limit: 100 });
    expect(texts(json.push(bytes('{"a":1}\n\n  \r\n[2]\n')))).toEqual(['{"a":1}', '[2]']);
    expect(texts(json.push(bytes(' \t')))).toEqual([]);
    expect(json.end()).toEqual([]);
  });

  it('delivers fixed-size chunks, the last one shorter', () => {
    const chunked = createOutputSplitter('chunked', { limit: 100, chunkSize: 3 });
    expect(texts(chunked.push(bytes('ab')))).toEqual([]);
    expect(texts(chunked.push(bytes('cdefg')))).toEqual(['abc', 'def']);
    expect(chunked.pending).toBe(1);
    expect(texts(chunked.end())).toEqual(['g']);
  });

  it('refuses a chunked splitter without a positive chunk size, and a limit below 1', () => {
    expect(() => createOutputSplitter('chunked', { limit: 10 })).toThrow(
      new RangeError('expected a positive integer chunk size, got undefined'),
    );
    expect(() => createOutputSplitter('chunked', { limit: 10, chunkSize: 0 })).toThrow(
      new RangeError('expected a positive integer chunk size, got 0'),
    );
    expect(() => createOutputSplitter('raw', { limit: 0 })).toThrow(new RangeError('expected a positive integer limit, got 0'));
  });
});
