/**
 * The content store over a real level database in a temp dir: what the integration tests cannot reach through one
 * actor at a time (racing writers, closing mid-write), and the store handler's admission of a store the parent owns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTheaterHome, type AdmitContext, type SystemResource } from '@theater/kernel';
import type { StoreHandlerConfig } from '../src/index.js';
import { openContentStore } from '../src/store/contentStore.js';
import { storeHandler } from '../src/storeHandler.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'theater-content-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('content store', () => {
  it('keeps every update to one label when many writes race', async () => {
    await using store = await openContentStore(join(dir, 'store'));
    const id = await store.create('actor-a', 0);
    const hashes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.putAtLabel(id, 'shared', text(`item ${i}`))));
    expect(new Set(hashes).size).toBe(50);
    expect((await store.contents(id)).length).toBe(50);
    for (const hash of hashes) expect(await store.unlabel(id, 'shared', hash)).toBe(true);
    expect(await store.labels(id)).toEqual([]);
    expect(await store.totalSize(id)).toBe(BigInt(hashes.reduce((sum, _, i) => sum + `item ${i}`.length, 0)));
  });

  it('finishes started writes before closing, and closes once', async () => {
    const path = join(dir, 'store');
    const store = await openContentStore(path);
    const id = await store.create('actor-a', 0);
    const written = store.putAtLabel(id, 'last', text('written while closing'));
    await Promise.all([store.close(), store.close()]);
    const hash = await written;
    await expect(store.put(id, text('too late'))).rejects.toThrow('the content store is closed');

    await using reopened = await openContentStore(path);
    expect(await reopened.latest(id, 'last')).toBe(hash);
    expect(await reopened.info(id)).toEqual({ owner: 'actor-a', created: 0, bytes: 'written while closing'.length });
  });
});

describe('store handler admission', () => {
  it("admits a child handed a store its parent created, and refuses one handed a stranger's", async () => {
    const home = resolveTheaterHome(dir);
    const opened = new Map<string, Promise<unknown>>();
    const resource = <T>(key: string, spec: SystemResource<T>): Promise<T> => {
      if (!opened.has(key)) opened.set(key, spec.open(home));
      return opened.get(key) as Promise<T>;
    };
    const store = await openContentStore(join(dir, 'store'));
    const [parentsOwn, strangers] = [await store.create('parent', 0), await store.create('stranger', 0)];
    await store.close();

    const admitting = (stores: string[]): AdmitContext<StoreHandlerConfig> => ({
      actorId: 'child',
      manifest: { name: 'child' } as AdmitContext['manifest'],
      config: { type: 'store', stores },
      field: (...path) => ['handler[2]', ...path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))].join(''),
      parent: { actorId: 'parent', manifest: { name: 'parent' } as AdmitContext['manifest'], config: { type: 'store' } },
      resource,
    });
    try {
      await expect(storeHandler.admit!(admitting([parentsOwn]))).resolves.toBeUndefined();
      await expect(storeHandler.admit!(admitting([parentsOwn, strangers]))).rejects.toMatchObject({
        code: 'permission-denied',
        message: `handler[2].stores[1]: child child is handed store ${strangers}, which its parent parent cannot see`,
      });
    } finally {
      for (const value of opened.values()) await ((await value) as AsyncDisposable)[Symbol.asyncDispose]();
    }
  });
});
