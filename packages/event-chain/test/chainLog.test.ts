/** The chain log writer and reader: framing, segments, torn tails and corruption, on real files in temp directories. */
import { describe, expect, it } from 'vitest';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainLog, listChainLogSegments, segmentFileName } from '../src/chainLog.js';
import { readChainLog } from '../src/chainLogReader.js';
import { encodeChainLogRecord, readChainLogFrame } from '../src/chainLogRecord.js';
import { createEvent, decodeStoredEvent, encodeStoredEvent, type ChainEvent } from '../src/eventFormat.js';
import { expectCode } from '../src/testing/index.js';

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-chain-log-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

function chainOf(count: number, bytes = 16): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    events.push(createEvent(events.at(-1), { type: 'test.tick', data: new Uint8Array(bytes).fill(i % 256), time: 1_700_000_000_000 + i }));
  }
  return events;
}

const stored = (events: readonly ChainEvent[]): Uint8Array[] => events.map(encodeStoredEvent);

describe('chain log records', () => {
  it('reads back the actor and the stored events a frame holds, and reports where a frame is cut or damaged', () => {
    const events = chainOf(3);
    const frame = encodeChainLogRecord('counter-ü', events);
    const read = readChainLogFrame(frame, 0);
    expect(read.ok && read.record.actorId).toBe('counter-ü');
    expect(read.ok && read.record.events.map((bytes) => decodeStoredEvent(bytes))).toEqual(events);
    expect(read.ok && read.next).toBe(frame.length);
    expect(readChainLogFrame(frame, frame.length)).toEqual({ ok: false, reason: 'end' });
    expect(readChainLogFrame(frame.subarray(0, 5), 0)).toEqual({ ok: false, reason: 'torn' });
    expect(readChainLogFrame(frame.subarray(0, frame.length - 1), 0)).toEqual({ ok: false, reason: 'torn' });
    const damaged = frame.slice();
    damaged[20] = damaged[20]! ^ 1;
    expect(readChainLogFrame(damaged, 0)).toEqual({ ok: false, reason: 'checksum' });
  });
});

describe('chain log writer', () => {
  it('appends frames with one call, starts a new segment when one is full, and reads them all back in order', async () => {
    await using dir = await tempDir();
    const log = ChainLog.open(dir.path, 'w-1', { firstSegment: 3, segmentBytes: 2048 });
    const events = chainOf(40, 100);
    const ends = [];
    for (let i = 0; i < 40; i += 4) {
      ends.push(log.write([encodeChainLogRecord('a', events.slice(i, i + 2)), encodeChainLogRecord('b', events.slice(i + 2, i + 4))]));
    }
    log.close();
    const segments = listChainLogSegments(dir.path).get('w-1')!;
    expect(segments[0]).toBe(3);
    expect(segments.length).toBeGreaterThan(2);
    const contents = readChainLog(dir.path, 'w-1', segments, { segment: 3, offset: 0 });
    expect(contents.dropped).toBeUndefined();
    expect(contents.records.flatMap((record) => record.events)).toEqual(stored(events));
    expect(contents.records.map((record) => record.actorId).slice(0, 4)).toEqual(['a', 'b', 'a', 'b']);
    // Each write's end position is where the reader stands after that write's last record.
    expect(contents.records.filter((_, index) => index % 2 === 1).map((record) => record.end)).toEqual(ends);
    // Reading from a position returns only what follows it.
    const rest = readChainLog(dir.path, 'w-1', segments, ends[6]!);
    expect(rest.records.flatMap((record) => record.events)).toEqual(stored(events.slice(28)));
  });

  it('deletes the segments before a position, never the one it writes', async () => {
    await using dir = await tempDir();
    const log = ChainLog.open(dir.path, 'main', { firstSegment: 0, segmentBytes: 1 });
    for (let i = 0; i < 4; i += 1) log.write([encodeChainLogRecord('a', chainOf(1))]);
    expect(listChainLogSegments(dir.path).get('main')).toEqual([0, 1, 2, 3, 4]);
    log.deleteSegmentsBefore(3);
    expect(listChainLogSegments(dir.path).get('main')).toEqual([3, 4]);
    log.deleteSegmentsBefore(100);
    expect(listChainLogSegments(dir.path).get('main')).toEqual([4]);
    log.close();
    log.close();
    expect(() => log.write([encodeChainLogRecord('a', chainOf(1))])).toThrow(/closed/);
  });

  it('refuses a bad writer id, a segment it did not create, and bad sizes', async () => {
    await using dir = await tempDir();
    expect(() => ChainLog.open(dir.path, 'a/b', { firstSegment: 0 })).toThrow(TypeError);
    expect(() => ChainLog.open(dir.path, '', { firstSegment: 0 })).toThrow(TypeError);
    expect(() => ChainLog.open(dir.path, 'main', { firstSegment: -1 })).toThrow(RangeError);
    expect(() => ChainLog.open(dir.path, 'main', { firstSegment: 0, segmentBytes: 0 })).toThrow(RangeError);
    ChainLog.open(dir.path, 'main', { firstSegment: 0 }).close();
    expect(() => ChainLog.open(dir.path, 'main', { firstSegment: 0 })).toThrow(/EEXIST/);
  });
});

describe('chain log reader', () => {
  function logWithRecords(dir: string, count: number): { events: ChainEvent[]; path: string; size: number } {
    const log = ChainLog.open(dir, 'main', { firstSegment: 0 });
    const events = chainOf(count);
    for (const event of events) log.write([encodeChainLogRecord('a', [event])]);
    log.close();
    const path = join(dir, segmentFileName('main', 0));
    return { events, path, size: readFileSync(path).length };
  }

  it('cuts a torn tail off the last segment and reads every record before it', async () => {
    await using dir = await tempDir();
    const { events, path, size } = logWithRecords(dir.path, 5);
    const next = encodeChainLogRecord('a', chainOf(6).slice(5));
    appendFileSync(path, next.subarray(0, next.length - 3));
    const contents = readChainLog(dir.path, 'main', [0], { segment: 0, offset: 0 });
    expect(contents.records.flatMap((record) => record.events)).toEqual(stored(events));
    expect(contents.dropped).toEqual({ segment: 0, offset: size, bytes: next.length - 3 });
    expect(readFileSync(path).length).toBe(size);
    expect(readChainLog(dir.path, 'main', [0], { segment: 0, offset: 0 }).dropped).toBeUndefined();
  });

  it('cuts a last record whose checksum fails, and zeros after the last record', async () => {
    await using dir = await tempDir();
    const { path, size } = logWithRecords(dir.path, 2);
    const next = encodeChainLogRecord('a', chainOf(3).slice(2));
    next[next.length - 1] = next.at(-1)! ^ 0xff;
    appendFileSync(path, next);
    expect(readChainLog(dir.path, 'main', [0], { segment: 0, offset: 0 }).dropped?.offset).toBe(size);
    appendFileSync(path, new Uint8Array(4096));
    expect(readChainLog(dir.path, 'main', [0], { segment: 0, offset: 0 }).dropped?.bytes).toBe(4096);
    expect(readFileSync(path).length).toBe(size);
  });

  it('refuses a damaged record with more of the log after it, or in a segment before the last, and cuts nothing', async () => {
    await using dir = await tempDir();
    const { path, size } = logWithRecords(dir.path, 4);
    const bytes = readFileSync(path);
    bytes[30] = bytes[30]! ^ 1;
    writeFileSync(path, bytes);
    const error = await expectCode(
      Promise.resolve().then(() => readChainLog(dir.path, 'main', [0], { segment: 0, offset: 0 })),
      'corrupt-chain',
    );
    expect(error.message).toContain('bad record at byte 0 (checksum) with more of the log after it');
    expect(readFileSync(path).length).toBe(size);
    writeFileSync(join(dir.path, segmentFileName('main', 1)), encodeChainLogRecord('a', chainOf(1)));
    await expectCode(
      Promise.resolve().then(() => readChainLog(dir.path, 'main', [0, 1], { segment: 0, offset: 0 })),
      'corrupt-chain',
    );
    expect(readdirSync(dir.path).sort()).toEqual([segmentFileName('main', 0), segmentFileName('main', 1)]);
  });
});
