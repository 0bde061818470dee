/** The public face of a running actor. */
import type { ChainEvent, ReadRange } from '@theater/event-chain';
import type { ActorState } from '../handler.js';
import type { Manifest } from '../manifest/index.js';
import type { ActorFailure } from './actorFailure.js';

/** starting → running → stopping → stopped, or failed. */
export type ActorStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** How an actor ended. */
export type ActorExit =
  | { readonly status: 'stopped'; readonly by: 'request' | 'self'; readonly data: ActorState }
  | { readonly status: 'failed'; readonly failure: ActorFailure };

/** A live actor of an actor system. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly manifest: Manifest;
  /** SHA-256 (hex) of the component the actor runs. */
  readonly componentHash: string;
  readonly status: ActorStatus;
  /** Set once the actor has failed. */
  readonly failure: ActorFailure | undefined;
  /** Resolves when the actor has stopped or failed. */
  readonly exited: Promise<ActorExit>;
  /** Delivers a message to `handle-send`; resolves once its result is committed. */
  send(message: Uint8Array): Promise<void>;
  /**
   * Delivers a request to `handle-request`; resolves with the reply once committed. When the actor returns no reply
   * it has deferred it: the promise waits for its `respond-to-request` (up to `limits.call_timeout_ms`).
   */
  request(message: Uint8Array): Promise<Uint8Array>;
  /**
   * Calls any export of the actor (`interface`, WIT function name, params tuple) as one operation in mailbox
   * order; resolves with the export's results tuple (or `undefined` when it returns only state).
   */
  call(iface: string, fn: string, params: readonly unknown[]): Promise<unknown>;
  /** The last committed state. */
  state(): ActorState;
  /** The events in `range` (default all), oldest first, including every one recorded so far. */
  events(range?: ReadRange): Promise<ChainEvent[]>;
  /**
   * Stops the actor after its running operation; pending operations are refused. Resolves once the actor has ended
   * and its chain's head is signed, also when it had failed (then there is nothing to stop). Idempotent.
   */
  stop(): Promise<void>;
}
