/**
 * Where an actor system keeps chains: persisted actors' chains appended to the home's chain log and indexed in its
 * level database (opened on first use, so only one system or process holds a home at a time; a home written before
 * the log existed opens as an index with nothing to recover), each `save_chain = false` actor's chain in a store of
 * its own in memory. Heads are signed with the node key under `keys/` at every stop and on request.
 */
import {
  ChainWriter,
  createCheckpoint,
  encodeCheckpoint,
  loadOrCreateNodeKey,
  openChainStore,
  openMemoryChainStore,
  verifyWithStoredCheckpoints,
  type ChainStore,
  type Checkpoint,
  type NodeKey,
  type VerifyResult,
} from '@theater/event-chain';
import type { TheaterHome } from '../theaterHome.js';
import type { ActorChain } from './actorChain.js';

/** The chains of an actor system. */
export interface ChainService {
  /** The persistent store, opened on first use. */
  store(): Promise<ChainStore>;
  /** The node key, loaded (or created) on first use. */
  nodeKey(): Promise<NodeKey>;
  /**
   * Opens the chain of a new actor in the persistent store, or in memory when it is not saved. `fresh`: the id has no
   * chain (the system generated it, or the spawn just checked), so the store's head is not read.
   */
  openActorChain(actorId: string, persist: boolean, now: () => number, continuing?: ChainStore, fresh?: boolean): Promise<ActorChain>;
  /** Signs the head of an actor's chain in `store` and stores the checkpoint; undefined when it has no events. */
  checkpoint(store: ChainStore, actorId: string, time: number): Promise<Checkpoint | undefined>;
  /** Verifies a chain in `store`: hashes, links, and checkpoints signed by this node's key (or `trustedKeys`). */
  verify(store: ChainStore, actorId: string, trustedKeys?: readonly Uint8Array[]): Promise<VerifyResult>;
  /** Closes the persistent store if it was opened. */
  close(): Promise<void>;
}

/** Creates the chain service of a system living in `home`. */
export function createChainService(home: TheaterHome): ChainService {
  let persistent: Promise<ChainStore> | undefined;
  let key: Promise<NodeKey> | undefined;

  const service: ChainService = {
    store() {
      persistent ??= openChainStore(home.dbDir, { log: { dir: home.chainLogDir } });
      // A failed open is retried next time (e.g. once another process has released the home).
      persistent.catch(() => (persistent = undefined));
      return persistent;
    },

    nodeKey() {
      key ??= loadOrCreateNodeKey(home.keysDir);
      // A failed load is retried next time (e.g. after the user fixed the directory's permissions).
      key.catch(() => (key = undefined));
      return key;
    },

    async openActorChain(actorId, persist, now, continuing, fresh = false) {
      const store = continuing ?? (persist ? await service.store() : await openMemoryChainStore());
      // Should a chain exist after all, the store refuses the first append (`not-linked`): it never forks.
      const writer = new ChainWriter(store, actorId, fresh ? undefined : await store.head(actorId));
      return {
        store,
        record: (input) => writer.record(input),
        flush: () => writer.flush(),
        writeAfter: (before) => writer.writeAfter(before),
        async read(range) {
          await writer.flush();
          return store.read(actorId, range);
        },
        async seal() {
          await writer.flush();
          await service.checkpoint(store, actorId, now());
        },
      };
    },

    async checkpoint(store, actorId, time) {
      const head = await store.head(actorId);
      if (head === undefined) return undefined;
      const checkpoint = createCheckpoint(actorId, head, await service.nodeKey(), Math.trunc(time));
      await store.putCheckpoint(actorId, head.seq, encodeCheckpoint(checkpoint));
      return checkpoint;
    },

    async verify(store, actorId, trustedKeys) {
      const keys = trustedKeys ?? [(await service.nodeKey()).publicKey];
      return verifyWithStoredCheckpoints(store.stream(actorId), await store.checkpoints(actorId), { actorId, trustedKeys: keys });
    },

    async close() {
      if (persistent === undefined) return;
      const store = await persistent.catch(() => undefined);
      await store?.close();
    },
  };
  return service;
}
