import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagCbor from '@ipld/dag-cbor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChainFile, verifyChainFile, type ChainFileSource } from '../src/chainFile.js';
import { ChainError } from '../src/chainError.js';
import { openChainStore, type StoredCheckpoint } from '../src/chainStore.js';
import { createCheckpoint, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../src/checkpoint.js';
import { encodeStoredEvent, type ChainEvent } from '../src/eventFormat.js';
import { loadOrCreateNodeKey, type NodeKey } from '../src/nodeKey.js';

const ACTOR = 'counter-1';
const EVENTS = 600;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

let home: string;
let nodeKey: NodeKey;
let strangerKey: NodeKey;
/** A real export of ACTOR: EVENTS events, signed checkpoints at seqs 299 and 599. */
let file: Uint8Array;
let events: ChainEvent[];
let storedCheckpoints: StoredCheckpoint[];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-chain-file-'));
  nodeKey = await loadOrCreateNodeKey(join(home, 'keys'));
  strangerKey = await loadOrCreateNodeKey(join(home, 'stranger-keys'));
  await using store = await openChainStore(join(home, 'store'));
  for (let start = 0; start < EVENTS; start += 100) {
    const appended = await store.append(
      ACTOR,
      Array.from({ length: 100 }, (_, i) => ({ type: 'test.tick', data: text(`tick ${start + i}`), time: 1_700_000_000_000 + start + i })),
    );
    const head = appended.at(-1)!;
    if (head.seq === 299 || head.seq === 599) {
      await store.putCheckpoint(ACTOR, head.seq, encodeCheckpoint(createCheckpoint(ACTOR, head, nodeKey, 1_700_000_100_000 + head.seq)));
    }
  }
  await store.append('other', [{ type: 'test.tick', data: text('other'), time: 1 }]);
  file = concat(await collect(store.exportChain(ACTOR)));
  events = await store.read(ACTOR);
  storedCheckpoints = await store.checkpoints(ACTOR);
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('readChainFile', () => {
  it('reads the header, events and checkpoints of an exported chain', async () => {
    await using reader = readChainFile(file);
    expect(await reader.header()).toEqual({ actor: ACTOR, events: EVENTS, checkpoints: 2 });
    expect(await collect(reader.events())).toEqual(events);
    expect(await collect(reader.checkpoints())).toEqual(storedCheckpoints);
    expect(storedCheckpoints.map((stored) => stored.seq)).toEqual([299, 599]);
  });

  it('gives each event with its frame bytes exactly as exported', async () => {
    await using reader = readChainFile(chunked(file, 1000));
    const frames = await collect(reader.eventFrames());
    expect(frames.map((frame) => frame.event)).toEqual(events);
    expect(frames.map((frame) => frame.bytes)).toEqual(events.map((event) => Uint8Array.from(encodeStoredEvent(event))));
  });

  it('reads a file from disk in small chunks', async () => {
    const path = join(home, 'counter.chain');
    await writeFile(path, file);
    await using reader = readChainFile(createReadStream(path, { highWaterMark: 333 }));
    expect((await reader.header()).actor).toBe(ACTOR);
    let count = 0;
    for await (const event of reader.events()) expect(event.seq).toBe(count++);
    expect(count).toBe(EVENTS);
    expect(await collect(reader.checkpoints())).toEqual(storedCheckpoints);
  });

  it('reads and checks the events it skips when the checkpoints are asked for first', async () => {
    await using reader = readChainFile(file);
    expect(await collect(reader.checkpoints())).toEqual(storedCheckpoints);
    expect(await collect(reader.events())).toEqual([]);
    const broken = fileOf(ACTOR, [events[0]!, events[2]!, events[1]!], []);
    await using brokenReader = readChainFile(broken);
    await expect(collect(brokenReader.checkpoints())).rejects.toThrow(
      "invalid chain file: event 2 has seq 1, not after the previous event's seq 2",
    );
  });

  it('continues where an interrupted iteration of the events stopped', async () => {
    await using reader = readChainFile(file);
    for await (const event of reader.events()) if (event.seq === 9) break;
    const rest = await collect(reader.events());
    expect(rest[0]?.seq).toBe(10);
    expect(rest).toHaveLength(EVENTS - 10);
  });

  it('streams: each event is yielded when its frame has arrived, not after the whole file', async () => {
    const chunkSize = 256;
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < file.length; offset += chunkSize) {
        const chunk = file.subarray(offset, offset + chunkSize);
        pulled += chunk.length;
        yield chunk;
      }
    }
    const ends = frameEnds(file);
    await using reader = readChainFile(source());
    await reader.header();
    expect(pulled).toBeLessThanOrEqual(ends[0]! + chunkSize);
    let index = 0;
    for await (const event of reader.events()) {
      index += 1;
      // Read up to this event's frame, plus at most the rest of the chunk it ends in.
      expect(pulled, `event ${event.seq}`).toBeLessThanOrEqual(ends[index]! + chunkSize);
    }
    expect(pulled).toBeLessThan(file.length);
  });

  it('stops reading the source when closed before its end', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* chunked(file, 100);
      } finally {
        finished = true;
      }
    }
    const reader = readChainFile(source());
    for await (const event of reader.events()) if (event.seq === 3) break;
    expect(finished).toBe(false);
    await reader.close();
    await reader.close();
    expect(finished).toBe(true);
  });

  it('rejects malformed and truncated files with invalid-chain-file naming the problem', async () => {
    const ends = frameEnds(file);
    const headerEnd = ends[0]!;
    const lastCheckpointStart = ends.at(-2)!;
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    const header = (fields: Record<string, unknown>): Uint8Array =>
      frame(dagCbor.encode({ format: 'theater-chain', v: 1, actor: ACTOR, events: 1, checkpoints: 0, ...fields }));
    const eventFrame = (event: ChainEvent): Uint8Array => frame(encodeStoredEvent(event));
    const checkpointFrame = (value: unknown): Uint8Array => frame(dagCbor.encode(value));
    const cases: [string, ChainFileSource, string][] = [
      ['empty', new Uint8Array(0), 'truncated: header is missing (end of file at byte 0)'],
      ['cut in the first length', file.subarray(0, 2), "truncated: header's length at byte 0 is cut short"],
      [
        'cut in the header',
        file.subarray(0, headerEnd - 1),
        `truncated: header at byte 0 declares ${headerEnd - 4} bytes but only ${headerEnd - 5} remain`,
      ],
      ['header only', file.subarray(0, headerEnd), `truncated: event 0 is missing (end of file at byte ${headerEnd})`],
      [
        'cut in event 1',
        file.subarray(0, ends[2]! - 1),
        `truncated: event 1 at byte ${ends[1]} declares ${ends[2]! - ends[1]! - 4} bytes but only ${ends[2]! - ends[1]! - 5} remain`,
      ],
      [
        'one byte short',
        file.subarray(0, file.length - 1),
        `truncated: checkpoint 1 at byte ${lastCheckpointStart} declares ${file.length - lastCheckpointStart - 4} bytes but only ${file.length - lastCheckpointStart - 5} remain`,
      ],
      ['trailing bytes', concat([file, text('x')]), `unexpected bytes after the last frame (byte ${file.length})`],
      ['garbage', random, `header at byte 0 declares ${new DataView(random.buffer).getUint32(0)} bytes, more than its limit of 65536`],
      ['a header that is not DAG-CBOR', frame(text('{"json": true}')), 'the header is not DAG-CBOR'],
      ['a header that is not a map', frame(dagCbor.encode([1, 2])), 'the header is not a map'],
      ['a header of another format', header({ format: 'zip' }), 'the header\'s format is "zip", expected "theater-chain"'],
      ['a newer version', header({ v: 2 }), 'unsupported version 2, expected 1'],
      ['an invalid actor id', header({ actor: 'a\x00b' }), 'the header has no valid actor id'],
      ['no events count', header({ events: -1 }), 'the header has no events count'],
      ['no checkpoints count', header({ checkpoints: 'two' }), 'the header has no checkpoints count'],
      ['no events', header({ events: 0 }), 'the file holds no events'],
      [
        'events out of order',
        fileOf(ACTOR, [events[0]!, events[2]!, events[1]!], []),
        "event 2 has seq 1, not after the previous event's seq 2",
      ],
      ['a repeated event', fileOf(ACTOR, [events[0]!, events[0]!], []), "event 1 has seq 0, not after the previous event's seq 0"],
      [
        'checkpoints out of order',
        concat([
          header({ events: 3, checkpoints: 2 }),
          ...events.slice(0, 3).map(eventFrame),
          checkpointFrame({ seq: 2, bytes: text('b') }),
          checkpointFrame({ seq: 1, bytes: text('a') }),
        ]),
        "checkpoint 1 has seq 1, not after the previous checkpoint's seq 2",
      ],
      [
        'a checkpoint past the last event',
        concat([
          header({ events: 3, checkpoints: 1 }),
          ...events.slice(0, 3).map(eventFrame),
          checkpointFrame({ seq: 3, bytes: text('c') }),
        ]),
        "checkpoint 0 has seq 3, beyond the last event's seq 2",
      ],
      [
        'a checkpoint that is not { seq, bytes }',
        concat([header({ events: 1, checkpoints: 1 }), eventFrame(events[0]!), checkpointFrame({ seq: 0, bytes: 'text' })]),
        'checkpoint 0 is not { seq, bytes }',
      ],
      [
        'a checkpoint that is not DAG-CBOR',
        concat([header({ events: 1, checkpoints: 1 }), eventFrame(events[0]!), frame(text('{}'))]),
        'checkpoint 0 is not DAG-CBOR',
      ],
    ];
    for (const [name, source, problem] of cases) {
      await using reader = readChainFile(source);
      const error = await readAll(reader).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error, name).toBeInstanceOf(ChainError);
      expect((error as ChainError).code, name).toBe('invalid-chain-file');
      expect((error as ChainError).message, name).toBe(`invalid chain file: ${problem}`);
    }
  });

  it('names the decoding problem of an event that is not one', async () => {
    const source = concat([file.subarray(0, frameEnds(file)[0]), frame(text('nope'))]);
    await using reader = readChainFile(source);
    await expect(collect(reader.events())).rejects.toThrow(/^invalid chain file: event 0 is not an encoded event: .+/u);
  });

  it('throws its first failure again on every later read', async () => {
    await using reader = readChainFile(file.subarray(0, 100));
    await reader.header();
    const first = await collect(reader.events()).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ChainError);
    await expect(collect(reader.events())).rejects.toBe(first);
    await expect(collect(reader.checkpoints())).rejects.toBe(first);
  });

  it('refuses a source that is not bytes, and chunks that are not Uint8Arrays', async () => {
    expect(() => readChainFile('counter.chain' as unknown as Uint8Array)).toThrow(
      new TypeError('expected source as a Uint8Array or an AsyncIterable of Uint8Array'),
    );
    async function* strings(): AsyncGenerator<unknown> {
      yield 'not bytes';
    }
    await using reader = readChainFile(strings() as AsyncIterable<Uint8Array>);
    await expect(reader.header()).rejects.toThrow(new TypeError('expected the chain file source to yield Uint8Array chunks'));
  });

  it('refuses overlapping reads', async () => {
    await using reader = readChainFile(chunked(file, 64));
    await reader.header();
    const first = reader.events()[Symbol.asyncIterator]().next();
    await expect(reader.checkpoints()[Symbol.asyncIterator]().next()).rejects.toThrow(
      new TypeError('reads of a chain file must not overlap'),
    );
    expect((await first).value).toEqual(events[0]);
  });
});

describe('verifyChainFile', () => {
  let checkpoints: Checkpoint[];

  beforeAll(() => {
    checkpoints = storedCheckpoints.map((stored) => decodeCheckpoint(stored.bytes));
  });

  it('verifies an exported chain with its signed checkpoints', async () => {
    expect(await verifyChainFile(file, { trustedKeys: [nodeKey.publicKey] })).toEqual({
      header: { actor: ACTOR, events: EVENTS, checkpoints: 2 },
      result: { ok: true, events: EVENTS },
      coverage: { signedEvents: EVENTS, unsignedEvents: 0 },
    });
  });

  it('tells how many trailing events no checkpoint covers: all of them when the checkpoints were stripped', async () => {
    const stripped = await verifyChainFile(fileOf(ACTOR, events, []), { trustedKeys: [nodeKey.publicKey] });
    expect(stripped.result).toEqual({ ok: true, events: EVENTS });
    expect(stripped.coverage).toEqual({ signedEvents: 0, unsignedEvents: EVENTS });
    const cut = await verifyChainFile(fileOf(ACTOR, events.slice(0, 450), storedCheckpoints.slice(0, 1)));
    expect(cut.result).toEqual({ ok: true, events: 450 });
    expect(cut.coverage).toEqual({ signedEvents: 300, unsignedEvents: 150 });
  });

  it('reads a file from disk twice, in chunks, through the function that opens it', async () => {
    const path = join(home, 'twice.chain');
    await writeFile(path, file);
    let opened = 0;
    const verdict = await verifyChainFile(() => {
      opened += 1;
      return createReadStream(path, { highWaterMark: 4096 });
    });
    expect(verdict.result).toEqual({ ok: true, events: EVENTS });
    expect(opened).toBe(2);
  });

  it('reports an event whose data was changed at its index', async () => {
    const changed = events.map((event) => (event.seq === 123 ? { ...event, data: text('tick 124') } : event));
    const { result } = await verifyChainFile(fileOf(ACTOR, changed, storedCheckpoints));
    expect(result).toMatchObject({
      ok: false,
      index: 123,
      reason: expect.stringMatching(/^event 123 does not match its hash/u) as unknown,
    });
  });

  it('reports a forged checkpoint signature at its seq', async () => {
    const forged = { ...checkpoints[0]!, signature: flipped(checkpoints[0]!.signature) };
    const tampered = [{ seq: 299, bytes: encodeCheckpoint(forged) }, storedCheckpoints[1]!];
    const { result } = await verifyChainFile(fileOf(ACTOR, events, tampered));
    expect(result).toEqual({ ok: false, index: 299, reason: 'checkpoint at seq 299 has a bad signature' });
  });

  it('reports a checkpoint signed by a key that is not trusted', async () => {
    const { result } = await verifyChainFile(file, { trustedKeys: [strangerKey.publicKey] });
    expect(result).toMatchObject({
      ok: false,
      index: 299,
      reason: expect.stringMatching(/^checkpoint at seq 299 is signed by an untrusted key/u) as unknown,
    });
  });

  it('reports a checkpoint of another actor', async () => {
    const { result } = await verifyChainFile(fileOf('impostor', events, storedCheckpoints));
    expect(result).toEqual({ ok: false, index: 299, reason: `checkpoint at seq 299 is for actor "${ACTOR}", expected "impostor"` });
  });

  it('reports checkpoint bytes that do not decode, or that sign another seq, at the seq they are stored at', async () => {
    const garbled = await verifyChainFile(fileOf(ACTOR, events, [{ seq: 299, bytes: text('garbled') }, storedCheckpoints[1]!]));
    expect(garbled.result).toMatchObject({
      ok: false,
      index: 299,
      reason: expect.stringMatching(/^checkpoint at seq 299 cannot be decoded: /u) as unknown,
    });
    const moved = await verifyChainFile(fileOf(ACTOR, events, [{ seq: 10, bytes: storedCheckpoints[0]!.bytes }]));
    expect(moved.result).toEqual({ ok: false, index: 10, reason: 'checkpoint stored at seq 10 signs seq 299' });
  });

  it('reports the first problem in chain order, events before a later bad checkpoint', async () => {
    const changed = events.map((event) => (event.seq === 5 ? { ...event, time: event.time + 1 } : event));
    const { result } = await verifyChainFile(fileOf(ACTOR, changed, [{ seq: 299, bytes: text('garbled') }]));
    expect(result).toMatchObject({ ok: false, index: 5 });
  });

  it('rejects a malformed file with invalid-chain-file', async () => {
    await expect(verifyChainFile(file.subarray(0, file.length - 1))).rejects.toMatchObject({ code: 'invalid-chain-file' });
    await expect(verifyChainFile(text('hello, this is not a chain file'))).rejects.toMatchObject({ code: 'invalid-chain-file' });
  });
});

async function readAll(reader: ReturnType<typeof readChainFile>): Promise<void> {
  await reader.header();
  for await (const event of reader.events()) void event;
  for await (const checkpoint of reader.checkpoints()) void checkpoint;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

const concat = (chunks: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** A chain file holding exactly these events and checkpoints, whatever they contain. */
function fileOf(actor: string, fileEvents: readonly ChainEvent[], checkpoints: readonly StoredCheckpoint[]): Uint8Array {
  return concat([
    frame(dagCbor.encode({ format: 'theater-chain', v: 1, actor, events: fileEvents.length, checkpoints: checkpoints.length })),
    ...fileEvents.map((event) => frame(encodeStoredEvent(event))),
    ...checkpoints.map(({ seq, bytes }) => frame(dagCbor.encode({ seq, bytes }))),
  ]);
}

/** The byte offset where each frame ends, found by following the length prefixes. */
function frameEnds(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4 + view.getUint32(offset)) ends.push(offset + 4 + view.getUint32(offset));
  return ends;
}

function flipped(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[0] = copy[0]! ^ 0x01;
  return copy;
}
