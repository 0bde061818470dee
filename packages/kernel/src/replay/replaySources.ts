/**
 * What a replay reads: an actor's events in batches (from its store, or from any ordered source such as a chain
 * file), and the component to run, found by the hash its chain recorded.
 */
import type { ChainEvent, ChainStore } from '@theater/event-chain';
import type { ComponentCache, LoadedComponent } from '../component/componentCache.js';
import type { Manifest } from '../manifest/index.js';

const REPLAY_BATCH = 1024;
/** The first batch read from a store: small, so the replay instantiates its component before a full batch is read. */
const FIRST_STORED_BATCH = 64;

/** An actor's stored events, up to the head when reading starts, in batches. */
export async function* storedBatches(store: ChainStore, actorId: string): AsyncGenerator<ChainEvent[]> {
  const head = await store.head(actorId);
  let limit = FIRST_STORED_BATCH;
  for (let from = 0; head !== undefined && from <= head.seq; ) {
    const events = await store.read(actorId, { from, to: head.seq + 1, limit });
    if (events.length === 0) return;
    yield events;
    from += events.length;
    limit = REPLAY_BATCH;
  }
}

/** Events in batches of up to REPLAY_BATCH. */
export async function* batchesOf(events: AsyncIterable<ChainEvent>): AsyncGenerator<ChainEvent[]> {
  let batch: ChainEvent[] = [];
  for await (const event of events) {
    batch.push(event);
    if (batch.length >= REPLAY_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * How a replay finds its component: the one at `componentPath` when given, else the recorded hash in the cache, else
 * the manifest's component file if it is still the same component.
 */
export function replayComponent(
  cache: ComponentCache,
  componentPath: string | undefined,
): (recordedHash: string, manifest: Manifest) => Promise<LoadedComponent> {
  return async (recordedHash, manifest) => {
    if (componentPath !== undefined) return (await cache.load(componentPath)).component;
    try {
      return await cache.loadByHash(recordedHash);
    } catch (error) {
      // Not cached here: the manifest's component file, if it is still the same component.
      if (manifest.componentPath === undefined) throw error;
      const { component } = await cache.load(manifest.componentPath).catch(() => {
        throw error;
      });
      if (component.hash !== recordedHash) throw error;
      return component;
    }
  };
}
