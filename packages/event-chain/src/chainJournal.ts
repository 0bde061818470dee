/**
 * The seam between the level chain store and a journal that makes appends durable before level sees them (the
 * chain log, logJournal.ts): the store hands the journal its index writes, and asks it for what is acknowledged but
 * not indexed yet. Internal to the package.
 */
import type { ChainEvent } from './eventFormat.js';

/** One actor's events, consecutive and continuing its indexed head. */
export interface IndexAppend {
  readonly actorId: string;
  readonly events: readonly ChainEvent[];
}

/** The level index, as the store lets a journal feed it. */
export interface ChainIndex {
  /** Writes the events, each actor's new head and the `meta` entries in one level batch. */
  write(appends: readonly IndexAppend[], meta: readonly (readonly [string, Uint8Array])[]): Promise<void>;
  /** The actor's head as indexed (read from level, not from any cache). */
  head(actorId: string): Promise<ChainEvent | undefined>;
  /** Every meta entry the journal wrote. */
  meta(): Promise<(readonly [string, Uint8Array])[]>;
}

/** A journal in front of the index: see the module header. */
export interface ChainJournal {
  /** Makes `events` of `actorId` durable; resolves once they are (the store calls it under the actor's lock). */
  append(actorId: string, events: readonly ChainEvent[]): Promise<void>;
  /** The actor's durable events the index may not have yet, in seq order (a copy; the events before it are indexed). */
  tail(actorId: string): readonly ChainEvent[];
  /** The actor's newest durable event not yet indexed, if any. */
  head(actorId: string): ChainEvent | undefined;
  /** Actors with events not yet indexed. */
  actors(): string[];
  /** Indexes everything durable, then closes the journal. */
  close(): Promise<void>;
}

/** Opens a journal over a store's index (after the store has opened its database). */
export type ChainJournalFactory = (index: ChainIndex) => Promise<ChainJournal>;
