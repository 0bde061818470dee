/**
 * What is particular to the level-backed chain store (persistence, files, crashes, locking, memory), against real
 * databases in temp directories; what every store must do is in the conformance suite (chainStoreConformance.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as dagCbor from '@ipld/dag-cbor';
import { Level } from 'level';
import { openChainStore, openMemoryChainStore, type ChainStore } from '../src/chainStore.js';
import { isChainError } from '../src/chainError.js';
import { encodeStoredEvent, type ChainEvent, type EventInput } from '../src/eventFormat.js';
import { expectCode, expectLinkedChain } from '../src/testing/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-chain-store-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

function inputs(count: number, start = 0): EventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'test.tick',
    data: text(`tick ${start + i}`),
    time: 1_700_000_000_000 + start + i,
  }));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const concat = (chunks: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

/** Every raw key of the database at `path` (the store must be closed). */
async function rawKeys(path: string): Promise<string[]> {
  const db = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    return await db.keys().all();
  } finally {
    await db.close();
  }
}

async function exportBytes(store: ChainStore, actorId: string): Promise<Uint8Array> {
  return concat(await collect(store.exportChain(actorId)));
}

describe('chain store: appending and reading', () => {
  it('keeps events and heads across close and reopen, and continues the chain after them', async () => {
    await using dir = await tempDir();
    const store = await openChainStore(dir.path);
    await store.append('counter', inputs(5));
    const head = await store.head('counter');
    await store.close();

    await using reopened = await openChainStore(dir.path);
    expect(await reopened.head('counter')).toEqual(head);
    expect(await reopened.actors()).toEqual(['counter']);
    const [next] = await reopened.append('counter', inputs(1, 5));
    expect(next?.seq).toBe(5);
    expect(next?.parent).toEqual(head?.hash);
    expectLinkedChain(await reopened.read('counter'));
  });
});

describe('chain store: export and import', () => {
  async function populated(path: string): Promise<ChainStore> {
    const store = await openChainStore(path);
    for (let start = 0; start < 2500; start += 250) await store.append('counter', inputs(250, start));
    await store.putCheckpoint('counter', 999, text('checkpoint 999'));
    await store.putCheckpoint('counter', 2499, text('checkpoint 2499'));
    await store.append('other', inputs(4));
    return store;
  }

  it('writes a DAG-CBOR header naming the format, actor and counts', async () => {
    await using dir = await tempDir();
    await using store = await populated(dir.path);
    const file = await exportBytes(store, 'counter');
    const length = new DataView(file.buffer, file.byteOffset).getUint32(0);
    expect(dagCbor.decode(file.subarray(4, 4 + length))).toEqual({
      format: 'theater-chain',
      v: 1,
      actor: 'counter',
      events: 2500,
      checkpoints: 2,
    });
  });

  it('exports a chain to a file and imports it into a fresh store with byte-identical events', async () => {
    await using source = await tempDir();
    await using target = await tempDir();
    await using files = await tempDir();
    await using from = await populated(source.path);
    const file = join(files.path, 'counter.chain');
    {
      await pipeline(Readable.from(from.exportChain('counter')), createWriteStream(file));
      await using to = await openChainStore(target.path);
      expect(await to.importChain(createReadStream(file, { highWaterMark: 1000 }))).toEqual({
        actorId: 'counter',
        events: 2500,
        checkpoints: 2,
      });
      const original = await from.read('counter');
      const imported = await to.read('counter');
      expect(imported.map(encodeStoredEvent)).toEqual(original.map(encodeStoredEvent));
      expect(await to.head('counter')).toEqual(await from.head('counter'));
      expect(await to.checkpoints('counter')).toEqual(await from.checkpoints('counter'));
      expect(await to.actors()).toEqual(['counter']);
      // Exporting the imported chain gives the same file, byte for byte.
      expect(await exportBytes(to, 'counter')).toEqual(await exportBytes(from, 'counter'));
      // The imported chain continues like the original.
      const [next] = await to.append('counter', inputs(1, 2500));
      expect(next?.parent).toEqual(original.at(-1)?.hash);
    }
  });

  it('rejects truncated files and garbage with invalid-chain-file and writes nothing', async () => {
    await using source = await tempDir();
    await using target = await tempDir();
    const file = await (async () => {
      await using store = await populated(source.path);
      return await exportBytes(store, 'counter');
    })();
    const headerLength = 4 + new DataView(file.buffer, file.byteOffset).getUint32(0);
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    const cases: [string, Uint8Array | AsyncIterable<Uint8Array>, RegExp][] = [
      ['empty', new Uint8Array(0), /header is missing/],
      ['cut in the first length', file.subarray(0, 2), /header's length .* cut short/],
      ['cut in the header', file.subarray(0, headerLength - 1), /truncated: header/],
      ['header only', file.subarray(0, headerLength), /truncated: event 0 is missing/],
      ['cut in the middle of the events', file.subarray(0, Math.floor(file.length / 2)), /truncated: event \d+/],
      ['cut in the last event', file.subarray(0, file.length - 40), /truncated: (event 2499|checkpoint)/],
      ['one byte short', file.subarray(0, file.length - 1), /truncated: checkpoint 1/],
      ['trailing bytes', concat([file, text('x')]), /unexpected bytes after the last frame/],
      ['garbage', random, /invalid chain file/],
      ['text', text('hello, this is not a chain file'), /invalid chain file/],
      ['chunked truncation', Readable.from([file.subarray(0, 100_000), file.subarray(100_000, file.length - 40)]), /truncated/],
      [
        'a header of another format',
        concat([frame(dagCbor.encode({ format: 'zip', v: 1, actor: 'x', events: 1, checkpoints: 0 }))]),
        /format is "zip"/,
      ],
      [
        'a newer version',
        concat([frame(dagCbor.encode({ format: 'theater-chain', v: 2, actor: 'x', events: 1, checkpoints: 0 }))]),
        /unsupported version 2/,
      ],
      [
        'an invalid actor id',
        frame(dagCbor.encode({ format: 'theater-chain', v: 1, actor: 'a\x00b', events: 1, checkpoints: 0 })),
        /no valid actor id/,
      ],
      ['no events', frame(dagCbor.encode({ format: 'theater-chain', v: 1, actor: 'x', events: 0, checkpoints: 0 })), /no events/],
      ['an event that is not one', concat([file.subarray(0, headerLength), frame(text('nope'))]), /event 0 is not an encoded event/],
    ];
    {
      await using store = await openChainStore(target.path);
      for (const [name, bytes, message] of cases) {
        const error = await expectCode(store.importChain(bytes), 'invalid-chain-file');
        expect(error.message, name).toMatch(message);
        expect(await store.actors(), name).toEqual([]);
        expect(await store.read('counter'), name).toEqual([]);
      }
    }
    // Not even staged keys remain.
    expect(await rawKeys(target.path)).toEqual([]);
  });

  it('rejects a file whose events repeat or go back in seq', async () => {
    await using dir = await tempDir();
    await using store = await openChainStore(dir.path);
    const events = await store.append('source', inputs(3));
    const header = (n: number): Uint8Array =>
      frame(dagCbor.encode({ format: 'theater-chain', v: 1, actor: 'dup', events: n, checkpoints: 0 }));
    const [e0, e1, e2] = events.map((e) => frame(encodeStoredEvent(e)));
    const error = await expectCode(store.importChain(concat([header(3), e0!, e2!, e1!])), 'invalid-chain-file');
    expect(error.message).toMatch(/event 2 has seq 1, not after the previous event's seq 2/);
    await expectCode(store.importChain(concat([header(2), e0!, e0!])), 'invalid-chain-file');
    expect(await store.actors()).toEqual(['source']);
  });

  it('removes the staged keys of an import interrupted by a crash when it opens', async () => {
    await using dir = await tempDir();
    {
      await using store = await openChainStore(dir.path);
      await store.append('kept', inputs(2));
    }
    const db = new Level<string, Uint8Array>(dir.path, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.batch([
      { type: 'put', key: '!imports!half', value: new Uint8Array(0) },
      { type: 'put', key: '!events!half\x000000000000000000', value: text('staged') },
      { type: 'put', key: '!checkpoints!half\x000000000000000000', value: text('staged') },
    ]);
    await db.close();
    {
      await using store = await openChainStore(dir.path);
      expect(await store.actors()).toEqual(['kept']);
    }
    expect((await rawKeys(dir.path)).filter((key) => key.includes('half'))).toEqual([]);
  });
});

describe('chain store: a corrupt stored event', () => {
  it('reads the events before it, then fails with corrupt-chain', async () => {
    await using dir = await tempDir();
    {
      await using store = await openChainStore(dir.path);
      await store.append('broken', inputs(10));
    }
    // The ten events are one segment of frames (4-byte length, stored event); make event 6 undecodable.
    const key = '!events!broken\x000000000000000000';
    const db = new Level<string, Uint8Array>(dir.path, { keyEncoding: 'utf8', valueEncoding: 'view' });
    const segment = (await db.get(key))!.slice();
    const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
    let at = 0;
    for (let i = 0; i < 6; i++) at += 4 + view.getUint32(at);
    segment[at + 4] = 0xff;
    await db.put(key, segment);
    await db.close();
    await using store = await openChainStore(dir.path);
    const read: ChainEvent[] = [];
    const error = await expectCode(
      (async () => {
        for await (const event of store.stream('broken')) read.push(event);
      })(),
      'corrupt-chain',
    );
    expect(error.message).toContain('a stored event of actor "broken" cannot be decoded');
    expect(read.map((event) => event.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    await expectCode(store.read('broken'), 'corrupt-chain');
  });
});

describe('chain store: lifecycle and memory', () => {
  it('refuses to open a database another store holds open', async () => {
    await using dir = await tempDir();
    await using store = await openChainStore(dir.path);
    const error = await expectCode(openChainStore(dir.path), 'open-failed');
    expect(error.message).toContain('is in use by another process or actor system');
    expect(await store.actors()).toEqual([]);
  });

  it('lets queued appends settle on close: each one that resolved is stored, none half-written', async () => {
    await using dir = await tempDir();
    const store = await openChainStore(dir.path);
    await store.append('counter', inputs(1));
    const appends = Array.from({ length: 20 }, (_, i) => store.append('counter', inputs(2, 1 + i * 2)));
    const settled = Promise.allSettled(appends);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await store.close();
    const outcomes = await settled;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(isChainError(outcome.reason, 'store-closed')).toBe(true);
    }
    const acknowledged = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
    await using reopened = await openChainStore(dir.path);
    const stored = await reopened.read('counter');
    expectLinkedChain(stored);
    expect(stored.slice(1)).toEqual(acknowledged);
  });

  it('keeps no appended event alive except the head (memory stays flat)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await using dir = await tempDir();
    await using store = await openChainStore(dir.path);
    const refs: WeakRef<ChainEvent>[] = [];
    for (let start = 0; start < 20_000; start += 100) {
      for (const event of await store.append('long-running', inputs(100, start))) refs.push(new WeakRef(event));
    }
    for (let round = 0; round < 3; round += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      gc();
    }
    const alive = refs.filter((ref) => ref.deref() !== undefined).map((ref) => ref.deref()!.seq);
    expect(alive).toEqual([19_999]);
    expect((await store.head('long-running'))?.seq).toBe(19_999);
  });
});

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

describe('memory chain store', () => {
  it('keeps an in-memory store apart from every other and empty after close', async () => {
    const one = await openMemoryChainStore();
    await using two = await openMemoryChainStore();
    await one.append('a', inputs(2));
    expect(await two.actors()).toEqual([]);
    await one.close();
    await expectCode(one.read('a'), 'store-closed');
  });
});
