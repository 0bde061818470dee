/**
 * The chain store conformance suite: registers vitest tests that any `ChainStore` must pass, through the methods the
 * kernel, server and CLI use (`appendEvents` as the ChainWriter calls it, `append`, `read`, `stream`, `head`,
 * `actors`, `subscribe`, checkpoints, `exportChain`/`importChain`, `close`). Each test opens fresh stores from the
 * subject and closes them itself.
 * @example
 * import { chainStoreConformance } from '@theater/event-chain/testing';
 * chainStoreConformance('memory store', { open: openMemoryChainStore });
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChainError, isChainError, type ChainErrorCode } from '../chainError.js';
import type { ChainStore, ReadRange } from '../chainStore.js';
import { createEvent, encodeStoredEvent, hashEventFields, type ChainEvent, type EventInput } from '../eventFormat.js';

/** The store implementation under test. */
export interface ChainStoreSubject {
  /** Opens a new, empty store; called one or more times per test. The suite closes what it opened. */
  open(): Promise<ChainStore>;
  /** Runs after each test, once its stores are closed (e.g. to remove temp directories). */
  cleanup?(): Promise<void>;
}

/** Registers the conformance tests for the store opened by `subject`, under `describe(name)`. */
export function chainStoreConformance(name: string, subject: ChainStoreSubject): void {
  describe(`chain store conformance: ${name}`, () => {
    const opened: ChainStore[] = [];
    const open = async (): Promise<ChainStore> => {
      const store = await subject.open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await subject.cleanup?.();
    });

    describe('appending built events (the ChainWriter path)', () => {
      it('writes events built elsewhere when they continue the chain, and refuses ones that do not', async () => {
        const store = await open();
        const [first] = await store.append('a', inputs(1));
        const second = createEvent(first, inputs(1, 1)[0]!);
        const third = createEvent(second, inputs(1, 2)[0]!);
        await store.appendEvents('a', [second, third]);
        expect((await store.read('a')).map((e) => e.seq)).toEqual([0, 1, 2]);
        expectLinkedChain(await store.read('a'));

        const stale = createEvent(first, inputs(1, 9)[0]!);
        const error = await expectCode(store.appendEvents('a', [stale]), 'not-linked');
        expect(error.message).toContain('event seq 1 does not follow the head of actor "a" (next seq 3');
        const forked = { ...createEvent(third, inputs(1, 3)[0]!), parent: second.hash };
        await expectCode(store.appendEvents('a', [forked]), 'not-linked');
        expect((await store.head('a'))?.seq).toBe(2);
      });

      it('starts a chain from built events, stores them as given and tells subscribers', async () => {
        const store = await open();
        const seen: ChainEvent[] = [];
        await store.subscribe('built', {}, (event) => seen.push(event));
        const built = chainOf(5);
        await store.appendEvents('built', built.slice(0, 2));
        await store.appendEvents('built', built.slice(2));
        await store.appendEvents('built', []);
        expect((await store.read('built')).map(encodeStoredEvent)).toEqual(built.map(encodeStoredEvent));
        expect(await store.head('built')).toEqual(built.at(-1));
        expect(seen).toEqual(built);
        // `append` continues what `appendEvents` wrote, in call order.
        const [next] = await store.append('built', inputs(1, 5));
        expect(next).toMatchObject({ seq: 5, parent: built.at(-1)!.hash });
      });

      it('refuses a first event that is not seq 0 without a parent, and a batch broken in the middle, writing nothing', async () => {
        const store = await open();
        const built = chainOf(3);
        await expectCode(store.appendEvents('a', built.slice(1)), 'not-linked');
        await expectCode(store.appendEvents('a', [built[0]!, built[2]!]), 'not-linked');
        expect(await store.head('a')).toBeUndefined();
        expect(await store.read('a')).toEqual([]);
        expect(await store.actors()).toEqual([]);
        await store.appendEvents('a', built);
        await expectCode(store.appendEvents('a', built.slice(2)), 'not-linked');
        expect(await store.read('a')).toEqual(built);
      });

      it('runs appendEvents and append for one actor in call order', async () => {
        const store = await open();
        const built = chainOf(3);
        const writes = [
          store.appendEvents('a', built.slice(0, 2)),
          store.appendEvents('a', built.slice(2)),
          store.append('a', inputs(2, 3)),
        ];
        await Promise.all(writes);
        const stored = await store.read('a');
        expect(stored.slice(0, 3)).toEqual(built);
        expect(stored).toHaveLength(5);
        expectLinkedChain(stored);
      });
    });

    describe('appending and reading', () => {
      it('appends events after the head and reads them back in seq order', async () => {
        const store = await open();
        const first = await store.append('counter', inputs(3));
        const second = await store.append('counter', inputs(2, 3));
        expect([...first, ...second].map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
        const stored = await store.read('counter');
        expectLinkedChain(stored);
        expect(stored).toEqual([...first, ...second]);
        expect(stored.map((e) => new TextDecoder().decode(e.data))).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4']);
        expect(await store.append('counter', [])).toEqual([]);
      });

      it('reads a range [from, to) and honours limit', async () => {
        const store = await open();
        await store.append('counter', inputs(10));
        const seqs = async (range: ReadRange): Promise<number[]> => (await store.read('counter', range)).map((e) => e.seq);
        expect(await seqs({ from: 3, to: 7 })).toEqual([3, 4, 5, 6]);
        expect(await seqs({ from: 5, limit: 2 })).toEqual([5, 6]);
        expect(await seqs({ to: 2 })).toEqual([0, 1]);
        expect(await seqs({ from: 8, to: 100 })).toEqual([8, 9]);
        expect(await seqs({ from: 10 })).toEqual([]);
        expect(await seqs({ from: 4, to: 4 })).toEqual([]);
        expect(await seqs({ limit: 0 })).toEqual([]);
        expect(await store.read('nobody')).toEqual([]);
        await expect(store.read('counter', { from: -1 })).rejects.toThrow(RangeError);
        await expect(store.read('counter', { limit: 1.5 })).rejects.toThrow(RangeError);
      });

      it('reads ranges that cross the batches appends wrote', async () => {
        const store = await open();
        for (let start = 0; start < 1500; start += 700) await store.append('counter', inputs(700, start).slice(0, 1500 - start));
        expect((await store.read('counter', { from: 690, to: 710 })).map((e) => e.seq)).toEqual(range(690, 710));
        expect((await store.read('counter', { from: 1399, limit: 3 })).map((e) => e.seq)).toEqual([1399, 1400, 1401]);
        expect(await store.read('counter', { from: 1000, limit: 500 })).toEqual((await store.read('counter')).slice(1000));
      });

      it('streams events in seq order from a position, reading in chunks', async () => {
        const store = await open();
        for (let start = 0; start < 1000; start += 100) await store.append('counter', inputs(100, start));
        const streamed = await collect(store.stream('counter', { from: 100 }));
        expect(streamed.map((e) => e.seq)).toEqual(Array.from({ length: 900 }, (_, i) => 100 + i));
        expect((await collect(store.stream('counter', { from: 10, to: 13 }))).map((e) => e.seq)).toEqual([10, 11, 12]);
        expectLinkedChain(await collect(store.stream('counter')));
        expect(await collect(store.stream('nobody'))).toEqual([]);
      });

      it('reports heads and lists the actors that have chains', async () => {
        const store = await open();
        expect(await store.head('b')).toBeUndefined();
        expect(await store.actors()).toEqual([]);
        await store.append('b', inputs(2));
        const [a] = await store.append('a', inputs(1));
        expect((await store.head('b'))?.seq).toBe(1);
        expect(await store.head('a')).toEqual(a);
        expect(await store.actors()).toEqual(['a', 'b']);
      });

      it('serialises concurrent appends for one actor in call order without forking the chain', async () => {
        const store = await open();
        const calls = Array.from({ length: 60 }, (_, i) => store.append('counter', inputs((i % 3) + 1, i * 10)));
        const results = await Promise.all(calls);
        const seqs = results.flat().map((e) => e.seq);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
        const stored = await store.read('counter');
        expect(stored).toHaveLength(seqs.length);
        expectLinkedChain(stored);
        // Call order is chain order: call i's first input was tick i*10.
        expect(results.map((events) => new TextDecoder().decode(events[0]!.data))).toEqual(results.map((_, i) => `tick ${i * 10}`));
      });

      it('keeps the chains of different actors apart, even when one id prefixes another', async () => {
        const store = await open();
        const ids = ['a', 'ab', 'a b', 'a\x01', 'b'];
        await Promise.all(ids.flatMap((id, n) => Array.from({ length: 5 }, (_, i) => store.append(id, inputs(n + 1, i * 100)))));
        for (const [n, id] of ids.entries()) {
          const events = await store.read(id);
          expect(events).toHaveLength(5 * (n + 1));
          expectLinkedChain(events);
        }
        expect(await store.actors()).toEqual([...ids].sort());
      });

      it('lets other actors append while one actor has a failing append', async () => {
        const store = await open();
        await store.append('a', inputs(2));
        const failing = store.append('a', [{ type: 'test.tick', data: text('x'), time: 1.5 }]);
        const other = store.append('b', inputs(3));
        await expect(failing).rejects.toThrow(TypeError);
        expect((await other).map((e) => e.seq)).toEqual([0, 1, 2]);
        // Nothing of the failed batch was written: the chain continues from the old head.
        const [next] = await store.append('a', inputs(1, 2));
        expect(next?.seq).toBe(2);
        expectLinkedChain(await store.read('a'));
      });

      it('rejects actor ids that are empty, hold \\x00 or a lone surrogate, or are not strings', async () => {
        const store = await open();
        for (const id of ['', 'a\x00b', 'bad\uD800', 42 as unknown as string]) {
          await expectCode(store.append(id, inputs(1)), 'invalid-actor-id');
          await expectCode(store.appendEvents(id, chainOf(1)), 'invalid-actor-id');
          await expectCode(store.read(id), 'invalid-actor-id');
          await expectCode(store.head(id), 'invalid-actor-id');
          await expectCode(
            store.subscribe(id, {}, () => {}),
            'invalid-actor-id',
          );
        }
        expect(await store.actors()).toEqual([]);
      });
    });

    describe('subscriptions', () => {
      it('delivers history from a position, then live appends, until unsubscribed', async () => {
        const store = await open();
        await store.append('counter', inputs(5));
        const seen: number[] = [];
        const unsubscribe = await store.subscribe('counter', { from: 2 }, (event) => seen.push(event.seq));
        expect(seen).toEqual([2, 3, 4]);
        await store.append('counter', inputs(2, 5));
        expect(seen).toEqual([2, 3, 4, 5, 6]);
        unsubscribe();
        await store.append('counter', inputs(1, 7));
        expect(seen).toEqual([2, 3, 4, 5, 6]);
      });

      it('delivers from a position beyond the head only once the chain gets there', async () => {
        const store = await open();
        const seen: number[] = [];
        await store.subscribe('later', { from: 3 }, (event) => seen.push(event.seq));
        await store.append('later', inputs(2));
        expect(seen).toEqual([]);
        await store.append('later', inputs(3, 2));
        expect(seen).toEqual([3, 4]);
      });

      it('has no gap and no duplicate when appends race the history read', async () => {
        const store = await open();
        for (let start = 0; start < 5000; start += 500) await store.append('counter', inputs(500, start));
        for (const from of [0, 1234]) {
          const seen: ChainEvent[] = [];
          let subscribed = false;
          let appendedDuringHistory = 0;
          const subscription = store.subscribe('counter', { from }, (event) => seen.push(event));
          void subscription.then(() => {
            subscribed = true;
          });
          const appends: Promise<unknown>[] = [];
          for (let i = 0; i < 40; i += 1) {
            appends.push(
              store.append('counter', inputs(3)).then(() => {
                if (!subscribed) appendedDuringHistory += 1;
              }),
            );
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          const unsubscribe = await subscription;
          await Promise.all(appends);
          await store.append('counter', inputs(2));
          unsubscribe();
          // The race did happen: some appends finished while the history was still being delivered.
          expect(appendedDuringHistory).toBeGreaterThan(0);
          const head = await store.head('counter');
          expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: head!.seq + 1 - from }, (_, i) => from + i));
          expect(seen).toEqual(await store.read('counter', { from }));
        }
      });

      it('has no gap and no duplicate when built events race the history read', async () => {
        const store = await open();
        const built = chainOf(600);
        await store.appendEvents('counter', built.slice(0, 500));
        const seen: ChainEvent[] = [];
        const subscription = store.subscribe('counter', {}, (event) => seen.push(event));
        const appends = [0, 1, 2, 3].map((i) => store.appendEvents('counter', built.slice(500 + i * 25, 525 + i * 25)));
        const unsubscribe = await subscription;
        await Promise.all(appends);
        unsubscribe();
        expect(seen).toEqual(built);
      });

      it('ends the subscription of a listener that throws and reports its error', async () => {
        const store = await open();
        const errors: unknown[] = [];
        const seen: number[] = [];
        const boom = new Error('listener failed');
        await store.subscribe('counter', { onError: (error) => errors.push(error) }, (event) => {
          seen.push(event.seq);
          if (event.seq === 1) throw boom;
        });
        await store.append('counter', inputs(3));
        await store.append('counter', inputs(1, 3));
        expect(seen).toEqual([0, 1]);
        expect(errors).toEqual([boom]);
      });
    });

    describe('checkpoints', () => {
      it('stores checkpoints in numeric seq order, replacing one at the same seq', async () => {
        const store = await open();
        await store.append('counter', inputs(120));
        await store.putCheckpoint('counter', 100, text('c100'));
        await store.putCheckpoint('counter', 9, text('c9'));
        await store.putCheckpoint('counter', 20, text('old'));
        await store.putCheckpoint('counter', 20, text('c20'));
        expect(await store.checkpoints('counter')).toEqual([
          { seq: 9, bytes: text('c9') },
          { seq: 20, bytes: text('c20') },
          { seq: 100, bytes: text('c100') },
        ]);
        expect(await store.checkpoints('nobody')).toEqual([]);
      });

      it('refuses a checkpoint beyond the head', async () => {
        const store = await open();
        await store.append('counter', inputs(3));
        await expectCode(store.putCheckpoint('counter', 3, text('x')), 'seq-beyond-head');
        await expectCode(store.putCheckpoint('nobody', 0, text('x')), 'unknown-actor');
        await expect(store.putCheckpoint('counter', -1, text('x'))).rejects.toThrow(RangeError);
        expect(await store.checkpoints('counter')).toEqual([]);
      });

      it('checkpoints the head a queued append has just written, in order with it', async () => {
        const store = await open();
        const built = chainOf(4);
        const appended = store.appendEvents('counter', built);
        const checkpointed = store.putCheckpoint('counter', 3, text('at the head'));
        await Promise.all([appended, checkpointed]);
        expect(await store.checkpoints('counter')).toEqual([{ seq: 3, bytes: text('at the head') }]);
      });
    });

    describe('export and import', () => {
      it('exports a chain and imports it into another store with the same events, head and checkpoints', async () => {
        const from = await open();
        const to = await open();
        const built = chainOf(1200);
        await from.appendEvents('counter', built);
        await from.putCheckpoint('counter', 999, text('checkpoint 999'));
        await from.putCheckpoint('counter', 1199, text('checkpoint 1199'));
        expect(await to.importChain(from.exportChain('counter'))).toEqual({ actorId: 'counter', events: 1200, checkpoints: 2 });
        expect((await to.read('counter')).map(encodeStoredEvent)).toEqual(built.map(encodeStoredEvent));
        expect(await to.head('counter')).toEqual(built.at(-1));
        expect(await to.checkpoints('counter')).toEqual(await from.checkpoints('counter'));
        // Exporting the imported chain gives the same file, byte for byte; the chain continues like the original.
        expect(concat(await collect(to.exportChain('counter')))).toEqual(concat(await collect(from.exportChain('counter'))));
        await to.appendEvents('counter', [createEvent(built.at(-1), inputs(1, 1200)[0]!)]);
        expect((await to.head('counter'))?.seq).toBe(1200);
      });

      it('imports under another actor id when asked, and tells subscribers waiting for it', async () => {
        const store = await open();
        await store.append('other', inputs(4));
        const file = concat(await collect(store.exportChain('other')));
        const seen: number[] = [];
        await store.subscribe('copy', {}, (event) => seen.push(event.seq));
        expect(await store.importChain(file, { actorId: 'copy' })).toEqual({ actorId: 'copy', events: 4, checkpoints: 0 });
        expect(await store.read('copy')).toEqual(await store.read('other'));
        expect(seen).toEqual([0, 1, 2, 3]);
      });

      it('refuses to import over an existing chain', async () => {
        const store = await open();
        await store.append('other', inputs(4));
        const file = concat(await collect(store.exportChain('other')));
        await store.append('taken', inputs(1));
        await expectCode(store.importChain(file), 'chain-exists');
        await expectCode(store.importChain(file, { actorId: 'taken' }), 'chain-exists');
        expect(await store.read('other')).toHaveLength(4);
        expect(await store.read('taken')).toHaveLength(1);
      });

      it('refuses to export an actor without a chain, and to import a file that is no chain', async () => {
        const store = await open();
        await expectCode(collect(store.exportChain('nobody')), 'unknown-actor');
        await expectCode(store.importChain(text('not a chain file')), 'invalid-chain-file');
        expect(await store.actors()).toEqual([]);
      });
    });

    describe('closing', () => {
      it('closes idempotently and then rejects every operation with store-closed', async () => {
        const store = await open();
        await store.append('counter', inputs(3));
        const file = concat(await collect(store.exportChain('counter')));
        await Promise.all([store.close(), store.close()]);
        await store.close();
        await expectCode(store.append('counter', inputs(1)), 'store-closed');
        await expectCode(store.appendEvents('counter', chainOf(1)), 'store-closed');
        await expectCode(store.head('counter'), 'store-closed');
        await expectCode(store.actors(), 'store-closed');
        await expectCode(store.read('counter'), 'store-closed');
        await expectCode(collect(store.stream('counter')), 'store-closed');
        await expectCode(store.putCheckpoint('counter', 0, text('x')), 'store-closed');
        await expectCode(store.checkpoints('counter'), 'store-closed');
        await expectCode(
          store.subscribe('counter', {}, () => {}),
          'store-closed',
        );
        await expectCode(collect(store.exportChain('counter')), 'store-closed');
        await expectCode(store.importChain(file, { actorId: 'copy' }), 'store-closed');
      });

      it('lets started appends settle on close: each one either resolves or fails with store-closed', async () => {
        const store = await open();
        await store.append('counter', inputs(1));
        const appends = Array.from({ length: 20 }, (_, i) => store.append('counter', inputs(2, 1 + i * 2)));
        const settled = Promise.allSettled(appends);
        await new Promise<void>((resolve) => setImmediate(resolve));
        await store.close();
        for (const outcome of await settled) {
          if (outcome.status === 'rejected') expect(isChainError(outcome.reason, 'store-closed')).toBe(true);
        }
      });
    });
  });
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

function inputs(count: number, start = 0): EventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'test.tick',
    data: text(`tick ${start + i}`),
    time: 1_700_000_000_000 + start + i,
  }));
}

/** A chain of `count` events built with `createEvent`, as the kernel's ChainWriter builds them. */
function chainOf(count: number): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (const input of inputs(count)) events.push(createEvent(events.at(-1), input));
  return events;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Seqs from 0 without gaps, each parent the previous hash, each hash recomputed from the fields. */
export function expectLinkedChain(events: readonly ChainEvent[]): void {
  events.forEach((event, index) => {
    expect(event.seq).toBe(index);
    expect(event.parent).toEqual(index === 0 ? null : events[index - 1]!.hash);
    const { hash, ...fields } = event;
    expect(hashEventFields(fields)).toEqual(hash);
  });
}

/** Expects `promise` to reject with a ChainError of `code`, and returns it. */
export async function expectCode(promise: Promise<unknown>, code: ChainErrorCode): Promise<ChainError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ChainError);
  expect((error as ChainError).code).toBe(code);
  return error as ChainError;
}
