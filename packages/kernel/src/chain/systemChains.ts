/**
 * Actors' chains as an actor system serves them, by actor id: a live actor's from its own store (flushed first), a
 * stopped one's from the persistent store; read, followed, checkpointed, verified and exported.
 */
import type { ChainEvent, ChainStore, Checkpoint, ReadRange, SubscribeOptions, VerifyResult } from '@theater/event-chain';
import type { ActorInstance } from '../actor/actorInstance.js';
import { KernelError } from '../kernelError.js';
import type { ChainService } from './chainService.js';

/** What the chains need from their actor system. */
export interface SystemChainsSource {
  readonly chains: ChainService;
  /** The live actors, by id. */
  readonly actors: ReadonlyMap<string, ActorInstance>;
  readonly clock: () => number;
  readonly assertOpen: () => void;
}

/** The chain methods of an actor system (see `ActorSystem`). */
export interface SystemChains {
  /** The persistent chain store, opened on first use; `chain-store-unavailable` when it cannot be. */
  openStore(): Promise<ChainStore>;
  /**
   * The store holding an actor's chain, with every event recorded so far written: the live actor's own store, else
   * the persistent one if the actor has a chain there.
   */
  storeOf(actorId: string): Promise<ChainStore>;
  events(actorId: string, range?: ReadRange): Promise<ChainEvent[]>;
  subscribe(actorId: string, options: SubscribeOptions, listener: (event: ChainEvent) => void): Promise<() => void>;
  checkpoint(actorId: string): Promise<Checkpoint>;
  verify(actorId: string, options?: { readonly trustedKeys?: readonly Uint8Array[] }): Promise<VerifyResult>;
  exportChain(actorId: string): AsyncIterable<Uint8Array>;
}

/** Creates the chain methods of an actor system. */
export function createSystemChains({ chains, actors, clock, assertOpen }: SystemChainsSource): SystemChains {
  async function openStore(): Promise<ChainStore> {
    try {
      return await chains.store();
    } catch (cause) {
      throw new KernelError('chain-store-unavailable', cause instanceof Error ? cause.message : String(cause), { cause });
    }
  }

  async function storeOf(actorId: string): Promise<ChainStore> {
    assertOpen();
    const live = actors.get(actorId);
    if (live !== undefined) {
      await live.flush();
      return live.chainStore;
    }
    const store = await openStore();
    if ((await store.head(actorId)) === undefined)
      throw new KernelError('actor-not-found', `no actor with id ${actorId} and no chain for it`);
    return store;
  }

  return {
    openStore,
    storeOf,
    async events(actorId, range) {
      return (await storeOf(actorId)).read(actorId, range);
    },
    async subscribe(actorId, subscribeOptions, listener) {
      return (await storeOf(actorId)).subscribe(actorId, subscribeOptions, listener);
    },
    async checkpoint(actorId) {
      const checkpoint = await chains.checkpoint(await storeOf(actorId), actorId, clock());
      if (checkpoint === undefined) throw new KernelError('actor-not-found', `actor ${actorId} has no events to checkpoint`);
      return checkpoint;
    },
    async verify(actorId, verifyOptions = {}) {
      return chains.verify(await storeOf(actorId), actorId, verifyOptions.trustedKeys);
    },
    async *exportChain(actorId) {
      yield* (await storeOf(actorId)).exportChain(actorId);
    },
  };
}
