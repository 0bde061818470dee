import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChainWriter, isChainError, openChainStore, openMemoryChainStore, verifyChain, type ChainStore } from '../src/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const input = (i: number) => ({ type: 'test.tick', data: text(`tick ${i}`), time: 1_700_000_000_000 + i });

describe('chain writer', () => {
  it('returns each event at once, hash-linked, and makes them durable by flush', async () => {
    const path = await mkdtemp(join(tmpdir(), 'theater-writer-'));
    try {
      const store = await openChainStore(path);
      const writer = new ChainWriter(store, 'a', undefined);
      const events = [0, 1, 2].map((i) => writer.record(input(i)));
      expect(events.map((e) => e.seq)).toEqual([0, 1, 2]);
      expect(events[1]!.parent).toEqual(events[0]!.hash);
      await writer.flush();
      await store.close();
      await using reopened = await openChainStore(path);
      expect(await reopened.read('a')).toEqual(events);
      expect(await verifyChain(reopened.stream('a'))).toEqual({ ok: true, events: 3 });
    } finally {
      await rm(path, { recursive: true, force: true });
    }
  });

  it('groups the events recorded in one tick into one write, and keeps recording while a write is in flight', async () => {
    await using store = await openMemoryChainStore();
    const writes: number[] = [];
    const counting: ChainStore = { ...store, appendEvents: (id, events) => (writes.push(events.length), store.appendEvents(id, events)) };
    const writer = new ChainWriter(counting, 'a', undefined);
    for (let i = 0; i < 5; i++) writer.record(input(i));
    const firstFlush = writer.flush();
    await Promise.resolve();
    for (let i = 5; i < 8; i++) writer.record(input(i));
    await Promise.all([firstFlush, writer.flush()]);
    expect(writes).toEqual([5, 3]);
    expect((await store.read('a')).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('continues a stored chain from its head', async () => {
    await using store = await openMemoryChainStore();
    await store.append('a', [input(0), input(1)]);
    const writer = new ChainWriter(store, 'a', await store.head('a'));
    expect(writer.record(input(2)).seq).toBe(2);
    await writer.flush();
    expect(await verifyChain(store.stream('a'))).toEqual({ ok: true, events: 3 });
  });

  it('fails every waiting flush with storage-failed when a write fails, and refuses to record afterwards', async () => {
    const store = await openMemoryChainStore();
    const writer = new ChainWriter(store, 'a', undefined);
    writer.record(input(0));
    await store.close();
    const error: unknown = await writer.flush().catch((reason: unknown) => reason);
    expect(isChainError(error, 'storage-failed')).toBe(true);
    expect(() => writer.record(input(1))).toThrow(/could not be written/);
  });

  it('writes nothing recorded after writeAfter until what it waits for is durable, then all of it in order', async () => {
    await using store = await openMemoryChainStore();
    const writer = new ChainWriter(store, 'a', undefined);
    writer.record(input(0));
    await writer.flush();
    let release!: () => void;
    writer.writeAfter(new Promise<void>((resolve) => (release = resolve)));
    const later = [1, 2].map((i) => writer.record(input(i)));
    let durable = false;
    const flushed = writer.flush().then(() => (durable = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(durable).toBe(false);
    expect((await store.read('a')).map((e) => e.seq)).toEqual([0]);
    release();
    await flushed;
    const stored = await store.read('a');
    expect(stored.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(stored.slice(1).map((e) => Buffer.from(e.hash).toString('hex'))).toEqual(later.map((e) => Buffer.from(e.hash).toString('hex')));
    expect(await verifyChain(store.stream('a'))).toEqual({ ok: true, events: 3 });
  });

  it('breaks, failing its flushes, when what a writeAfter waits for fails', async () => {
    await using store = await openMemoryChainStore();
    const writer = new ChainWriter(store, 'a', undefined);
    writer.writeAfter(Promise.reject(new Error('the other chain broke')));
    writer.record(input(0));
    const error: unknown = await writer.flush().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/could not be written|the other chain broke/);
    expect(await store.read('a')).toEqual([]);
  });
});
