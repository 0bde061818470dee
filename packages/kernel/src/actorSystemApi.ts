/** What an actor system offers and is made with: the public contract `createActorSystem` (actorSystem.ts) implements. */
import type { ChainEvent, ChainStore, Checkpoint, ReadRange, SubscribeOptions, VerifyResult } from '@theater/event-chain';
import type { Actor } from './actor/actor.js';
import type { Clock } from './clock.js';
import type { HandlerRegistry, HandlerSource } from './handlerRegistry.js';
import type { Inspector } from './inspection.js';
import type { Isolation, Manifest } from './manifest/index.js';
import type { ExternalChannelEnd } from './messaging/messageRouter.js';
import type { ReplayResult } from './replay/replayResult.js';
import type { SpawnOptions, SpawnTimings } from './spawn/spawnPipeline.js';
import type { TheaterHome } from './theaterHome.js';

/** Options for `createActorSystem`. */
export interface ActorSystemOptions {
  /** The handlers actors may be granted (see `@theater/handlers`): a registry, or definitions of distinct types. */
  readonly handlers: HandlerSource;
  /** Theater home; default `$THEATER_HOME` or `~/.theater`. */
  readonly home?: string;
  /** Started workers kept ready for spawns of dedicated actors; default 2. */
  readonly poolSize?: number;
  /**
   * How many shared scheduler workers host the actors whose manifest says `isolation = "shared"` (each on the
   * least-loaded one); default `os.availableParallelism()`.
   */
  readonly schedulerWorkers?: number;
  /**
   * Where the guests of actors whose manifest sets no `isolation` run; default `dedicated` (a worker each, so a
   * runaway actor disturbs no other).
   */
  readonly defaultIsolation?: Isolation;
  /**
   * The clock event times, deadlines, sleeps and restart windows run on; default `systemClock`. A function is taken
   * as the wall time alone (the form before `Clock`), with the system's monotonic time and timers.
   */
  readonly clock?: Clock | (() => number);
}

/** A channel held outside the system. */
export interface ExternalChannel {
  readonly id: string;
  /** The message the actor accepted the channel with, if any (also delivered to the listener). */
  readonly welcome: Uint8Array | undefined;
  send(message: Uint8Array): void;
  close(): void;
}

/** Options of `ActorSystem.replay`. */
export interface ReplayOptions {
  /** Run this component instead of the recorded one (found by hash in the component cache). */
  readonly componentPath?: string;
}

/** An actor system. */
export interface ActorSystem extends AsyncDisposable {
  readonly home: TheaterHome;
  /** The handlers its actors may be granted: parse manifests for this system with them. */
  readonly handlers: HandlerRegistry;
  /** Spawns an actor from a manifest (or its path) and runs its `init`. */
  spawn(manifest: Manifest | string, options?: SpawnOptions): Promise<Actor>;
  /** Timings of the last spawn of an actor, if it was spawned by this system. */
  spawnTimings(actorId: string): SpawnTimings | undefined;
  get(actorId: string): Actor | undefined;
  list(): readonly Actor[];
  /** Stops an actor; throws `actor-not-found` for an unknown id. */
  stop(actorId: string): Promise<void>;
  /**
   * Restarts a live actor: a fresh instance, same id, its chain continued, from its last committed state (a child
   * stays its parent's child). Resolves with the new instance.
   */
  restart(actorId: string): Promise<Actor>;
  /**
   * Brings back an actor that is not running from its stored chain: same id, its chain continued, from its last
   * committed state (or `initState`), under the parent its chain records, which must be running. `actor-not-found`
   * when the store has no chain for it; `actor-exists` when it runs.
   */
  resume(actorId: string, options?: { readonly initState?: Uint8Array }): Promise<Actor>;
  /** The id of a live actor's parent, if it is a child. */
  parentOf(actorId: string): string | undefined;
  /** An actor's events in `range`, oldest first: a live actor's, or a stopped one's from the persistent store. */
  events(actorId: string, range?: ReadRange): Promise<ChainEvent[]>;
  /**
   * Calls `listener` with an actor's events from `options.from` (default 0) in chain order, history first, then
   * each new event once it is durable, without gaps; resolves (once the history is delivered) with the unsubscribe.
   */
  subscribe(actorId: string, options: SubscribeOptions, listener: (event: ChainEvent) => void): Promise<() => void>;
  /** Signs the head of an actor's chain now and stores the checkpoint (this also happens at every stop). */
  checkpoint(actorId: string): Promise<Checkpoint>;
  /** Verifies an actor's chain: hashes, links, and its checkpoints signed by this node (or `trustedKeys`). */
  verify(actorId: string, options?: { readonly trustedKeys?: readonly Uint8Array[] }): Promise<VerifyResult>;
  /** An actor's chain as a chain file (see `@theater/event-chain`), in chunks. */
  exportChain(actorId: string): AsyncIterable<Uint8Array>;
  /**
   * Re-runs an actor from its chain alone (see `replayChain`): a stored actor's chain by id, or events in seq order
   * (e.g. from a chain file). Nothing outside the replayed actor happens.
   */
  replay(source: string | AsyncIterable<ChainEvent>, options?: ReplayOptions): Promise<ReplayResult>;
  /** The persistent chain store of this system's home (opened on first use). */
  chainStore(): Promise<ChainStore>;
  /**
   * Sends a message to an actor's handle-send (as an external sender) and resolves once it has run and its state is
   * committed (unlike an actor's own `send`, which returns once queued); a refusal or the actor's failure is thrown.
   */
  send(actorId: string, message: Uint8Array): Promise<void>;
  /** Sends a request and resolves with the reply (waiting for a deferred one up to the actor's call timeout). */
  request(actorId: string, message: Uint8Array): Promise<Uint8Array>;
  /** Opens a channel to an actor (its handle-channel-open accepts or rejects it). */
  openChannel(actorId: string, initial: Uint8Array, listener: ExternalChannelEnd): Promise<ExternalChannel>;
  /** Subscribes to inspection events; returns the unsubscribe function. */
  inspect(inspector: Inspector): () => void;
  /** Waits until the pool has its ready workers and the shared workers their spare instances (useful before measuring spawns). */
  warm(): Promise<void>;
  /** Stops every actor and releases every worker. Idempotent. */
  close(): Promise<void>;
}
