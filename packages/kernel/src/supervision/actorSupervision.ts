/** Supervision as one parent sees it: what the `supervisor` handler's host functions call. */
import type { ChainEvent } from '@theater/event-chain';
import type { ActorState } from '../handler.js';

/** A parent's control over its own children; acting on any other actor is `permission-denied`. */
export interface ActorSupervision {
  /** Spawns a child from a manifest path (relative to the parent's manifest) or inline TOML; resolves with its id. */
  spawn(manifest: string, initState: Uint8Array | undefined): Promise<string>;
  /** The children, in start order: from spawn until they leave (a child restarting after a failure is listed). */
  listChildren(): string[];
  /** Stops a child (its own children first); it leaves the parent, which is not told of it (it asked). */
  stopChild(childId: string): Promise<void>;
  /**
   * Replaces a child with a fresh instance, same id, from its last committed state. When it cannot start, the error
   * is thrown and the child is stopped: it leaves the parent.
   */
  restartChild(childId: string): Promise<void>;
  /**
   * Resumes a stopped child (one that left this parent, with a saved chain; WIT names the id `manifest`): a fresh
   * instance, same id, its chain continued, its `init` run with `initState` or else the last state its chain
   * committed.
   */
  resume(childId: string, initState: Uint8Array | undefined): Promise<string>;
  childState(childId: string): ActorState;
  childEvents(childId: string): Promise<ChainEvent[]>;
}
