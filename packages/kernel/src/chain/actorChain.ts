/** What an actor needs of its chain: record events as they happen, make them durable, read them, seal the head. */
import type { ChainEvent, ChainStore, EventInput, ReadRange } from '@theater/event-chain';

/** One actor's chain, as the actor sees it. */
export interface ActorChain {
  /** The store the chain is written to. */
  readonly store: ChainStore;
  /** Builds the next event at once (hash-linked); it becomes durable by the next `flush`. */
  record(input: EventInput): ChainEvent;
  /** Resolves once every event recorded so far is durable. */
  flush(): Promise<void>;
  /** Holds the writes of events not written yet until `before` resolves; a rejection breaks the chain. */
  writeAfter(before: Promise<unknown>): void;
  /** The events in `range`, oldest first, including every one recorded so far. */
  read(range?: ReadRange): Promise<ChainEvent[]>;
  /** Signs the current head (a checkpoint); called at every stop and failure. */
  seal(): Promise<void>;
}
