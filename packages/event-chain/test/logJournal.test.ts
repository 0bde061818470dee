/**
 * The level store over a chain log (`openChainStore(path, { log })`): acknowledged events readable before level has
 * them, recovery of logs a crash left (from several writers), old homes without a log, and segments deleted once
 * indexed; real level databases and log files in temp directories.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { ChainLog, listChainLogSegments } from '../src/chainLog.js';
import { encodeChainLogRecord } from '../src/chainLogRecord.js';
import { openChainStore } from '../src/chainStore.js';
import { createEvent, decodeStoredEvent, type ChainEvent } from '../src/eventFormat.js';
import { expectCode, expectLinkedChain } from '../src/testing/index.js';

async function tempHome(): Promise<{ db: string; log: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-log-journal-'));
  return { db: join(path, 'db'), log: join(path, 'log'), [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

function chainOf(count: number, after?: ChainEvent): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const previous = events.at(-1) ?? after;
    events.push(createEvent(previous, { type: 'test.tick', data: new TextEncoder().encode(`tick ${(previous?.seq ?? -1) + 1}`), time: 1 }));
  }
  return events;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The seq of `actorId`'s head as the level index itself holds it (the store must be closed). */
async function indexedHeadSeq(db: string, actorId: string): Promise<number | undefined> {
  const level = new Level<string, Uint8Array>(db, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    const head = await level.sublevel<string, Uint8Array>('heads', { keyEncoding: 'utf8', valueEncoding: 'view' }).get(actorId);
    return head === undefined ? undefined : decodeStoredEvent(head).seq;
  } finally {
    await level.close();
  }
}

describe('chain store over a chain log', () => {
  it('serves acknowledged events before the index has them, and indexes all of them by close', async () => {
    await using home = await tempHome();
    const store = await openChainStore(home.db, { log: { dir: home.log } });
    const built = chainOf(700);
    // Appends of two actors in the same turn share one log write.
    await Promise.all([store.appendEvents('a', built), store.appendEvents('b', built.slice(0, 3))]);
    expect(await store.head('a')).toEqual(built.at(-1));
    expect(await store.read('a', { from: 650 })).toEqual(built.slice(650));
    expect(await collect(store.stream('a', { from: 10, to: 12 }))).toEqual(built.slice(10, 12));
    expect(await store.actors()).toEqual(['a', 'b']);
    const copy = await openChainStore(join(home.db, '..', 'copy'));
    expect(await copy.importChain(store.exportChain('a'))).toMatchObject({ events: 700 });
    expect(await copy.read('a')).toEqual(built);
    await copy.close();
    await store.close();
    expect(await indexedHeadSeq(home.db, 'a')).toBe(699);
    expect(await indexedHeadSeq(home.db, 'b')).toBe(2);
  });

  it('recovers events that only a log holds, ordered by seq across the logs of several writers', async () => {
    await using home = await tempHome();
    const store = await openChainStore(home.db, { log: { dir: home.log } });
    const built = chainOf(10);
    await store.appendEvents('moved', built.slice(0, 2));
    await store.close();
    // What worker logs left behind a crash: the actor ran in w1 (seq 2-5), then moved to w2 (seq 6-9).
    const w2 = ChainLog.open(home.log, 'w2', { firstSegment: 0 });
    w2.write([encodeChainLogRecord('moved', built.slice(6, 8)), encodeChainLogRecord('other', chainOf(2))]);
    w2.write([encodeChainLogRecord('moved', built.slice(8))]);
    w2.close();
    const w1 = ChainLog.open(home.log, 'w1', { firstSegment: 0 });
    w1.write([encodeChainLogRecord('moved', built.slice(1, 4))]);
    w1.write([encodeChainLogRecord('moved', built.slice(4, 6))]);
    w1.close();

    await using reopened = await openChainStore(home.db, { log: { dir: home.log } });
    expect(await reopened.read('moved')).toEqual(built);
    expect(await reopened.actors()).toEqual(['moved', 'other']);
    expectLinkedChain(await reopened.read('other'));
    // Everything recovered is indexed, so the old segments are gone; this store's writer has a new one.
    expect([...listChainLogSegments(home.log).keys()]).toEqual(['main']);
    const [next] = await reopened.append('moved', [{ type: 'test.tick', data: new Uint8Array(), time: 2 }]);
    expect(next).toMatchObject({ seq: 10, parent: built.at(-1)!.hash });
  });

  it('refuses to open over a log that does not continue a stored chain, and writes nothing', async () => {
    await using home = await tempHome();
    const store = await openChainStore(home.db, { log: { dir: home.log } });
    const built = chainOf(6);
    await store.appendEvents('a', built.slice(0, 2));
    await store.close();
    const log = ChainLog.open(home.log, 'w1', { firstSegment: 0 });
    log.write([encodeChainLogRecord('fine', chainOf(2)), encodeChainLogRecord('a', built.slice(3))]);
    log.close();
    const error = await expectCode(openChainStore(home.db, { log: { dir: home.log } }), 'corrupt-chain');
    expect(error.message).toContain('event seq 3 of actor "a", which does not continue its stored chain (next seq 2)');
    expect(await indexedHeadSeq(home.db, 'fine')).toBeUndefined();
    expect(readdirSync(home.log)).toContain('w1.000000000000.log');
  });

  it('opens a home written without a log as its index, and continues its chains', async () => {
    await using home = await tempHome();
    const old = await openChainStore(home.db);
    const [first] = await old.append('a', [{ type: 'test.tick', data: new Uint8Array([1]), time: 1 }]);
    await old.putCheckpoint('a', 0, new Uint8Array([9]));
    await old.close();
    const store = await openChainStore(home.db, { log: { dir: home.log } });
    expect(await store.read('a')).toEqual([first]);
    expect(await store.checkpoints('a')).toEqual([{ seq: 0, bytes: new Uint8Array([9]) }]);
    await store.appendEvents('a', chainOf(2, first));
    await store.close();
    // Once closed, the level database alone holds everything again.
    await using plain = await openChainStore(home.db);
    expectLinkedChain(await plain.read('a'));
    expect(await plain.read('a')).toHaveLength(3);
  });

  it('deletes log segments once the index has their records', async () => {
    await using home = await tempHome();
    const store = await openChainStore(home.db, { log: { dir: home.log, segmentBytes: 4096 } });
    const built = chainOf(400);
    for (let i = 0; i < 400; i += 10) await store.appendEvents('a', built.slice(i, i + 10));
    await store.close();
    expect(readdirSync(home.log).length).toBeLessThanOrEqual(2);
    await using reopened = await openChainStore(home.db, { log: { dir: home.log, segmentBytes: 4096 } });
    expect(await reopened.read('a')).toEqual(built);
  });

  it('refuses a log option without a directory or with a bad segment size, creating nothing', async () => {
    await using home = await tempHome();
    await expect(openChainStore(home.db, { log: { dir: '' } })).rejects.toThrow(TypeError);
    await expect(openChainStore(home.db, { log: { dir: home.log, segmentBytes: 0 } })).rejects.toThrow(RangeError);
    await expect(readdir(join(home.db, '..'))).resolves.toEqual([]);
  });
});
