/**
 * The chain log as a journal in front of the level index: every append arriving in one turn of the event loop (from any actor) is
 * framed and written to the log with one `write(2)`, and acknowledged after it; the level index is fed from what was
 * written in the background, in batches, off the acknowledgement path. Until indexed, an actor's events are served
 * from memory (its tail). Opening recovers what a crash left un-indexed (chainLogRecovery.ts).
 */
import { ChainError } from './chainError.js';
import type { ChainIndex, ChainJournal, IndexAppend } from './chainJournal.js';
import { ChainLog, type ChainLogPosition } from './chainLog.js';
import { positionEntry, recoverChainLogs } from './chainLogRecovery.js';
import { encodeChainLogRecord } from './chainLogRecord.js';
import type { ChainEvent } from './eventFormat.js';

/** Options of `openLogJournal`. */
export interface LogJournalOptions {
  /** The directory of the logs (created if needed). */
  readonly dir: string;
  /** This writer's id in the directory (default `main`). */
  readonly writerId?: string;
  /** Segment size (default 64 MiB). */
  readonly segmentBytes?: number;
  /** fdatasync each write (survives power loss); default false: survives a crash of the process. */
  readonly sync?: boolean;
}

/** How long written events wait before the index is fed, so that one level batch carries many turns' writes. */
const INDEX_DELAY_MS = 5;
/** Appends wait for the index once this many events are un-indexed (memory stays bounded when level falls behind). */
const MAX_UNINDEXED_EVENTS = 50_000;

interface Queued {
  readonly actorId: string;
  readonly events: readonly ChainEvent[];
  readonly frame: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Recovers the logs in `options.dir` into `index`, then opens this writer's log; see the module header. */
export async function openLogJournal(index: ChainIndex, options: LogJournalOptions): Promise<ChainJournal> {
  const writerId = options.writerId ?? 'main';
  const recovery = await recoverChainLogs(options.dir, index);
  const log = ChainLog.open(options.dir, writerId, {
    firstSegment: recovery.nextSegment,
    ...(options.segmentBytes === undefined ? {} : { segmentBytes: options.segmentBytes }),
    ...(options.sync === undefined ? {} : { sync: options.sync }),
  });

  let queued: Queued[] = [];
  let writeScheduled = false;
  let broken: unknown;
  /** Acknowledged events not yet indexed, per actor, in seq order. */
  const tails = new Map<string, ChainEvent[]>();
  /** What was written and not yet indexed, in write order, and the log position after it. */
  let unindexed: IndexAppend[] = [];
  let unindexedEvents = 0;
  let writtenTo: ChainLogPosition = log.position;
  let indexTimer: NodeJS.Timeout | undefined;
  let indexing: Promise<void> | undefined;
  let indexFailure: unknown;
  let closed = false;
  /** Segments below this one are deleted (recovery deleted every segment before this writer's first). */
  let deletedBefore = log.position.segment;

  function writeQueued(): void {
    writeScheduled = false;
    const batch = queued;
    queued = [];
    if (broken === undefined) {
      try {
        writtenTo = log.write(batch.map((entry) => entry.frame));
      } catch (error) {
        broken = error;
      }
    }
    if (broken !== undefined) {
      for (const entry of batch) entry.reject(writeFailure());
      return;
    }
    for (const entry of batch) {
      const tail = tails.get(entry.actorId);
      if (tail === undefined) tails.set(entry.actorId, [...entry.events]);
      else for (const event of entry.events) tail.push(event);
      unindexed.push({ actorId: entry.actorId, events: entry.events });
      unindexedEvents += entry.events.length;
    }
    scheduleIndex();
    for (const entry of batch) entry.resolve();
  }

  function writeFailure(): ChainError {
    const message = broken instanceof Error ? broken.message : String(broken);
    return new ChainError('storage-failed', `writing the chain log in ${options.dir} failed: ${message}`, { cause: broken });
  }

  function scheduleIndex(): void {
    if (indexTimer !== undefined || indexing !== undefined || closed) return;
    indexTimer = setTimeout(() => {
      indexTimer = undefined;
      void indexNow().catch(() => {});
    }, INDEX_DELAY_MS);
    // Un-indexed events are durable in the log: a pending index run never keeps the process alive.
    indexTimer.unref();
  }

  /** Feeds everything written so far to the index (after any run in progress). */
  function indexNow(): Promise<void> {
    const run = (indexing ?? Promise.resolve()).then(indexWritten);
    const settled = run.then(
      () => {},
      () => {},
    );
    indexing = settled;
    void settled.then(() => {
      if (indexing === settled) indexing = undefined;
      if (unindexed.length > 0 && indexFailure === undefined) scheduleIndex();
    });
    return run;
  }

  async function indexWritten(): Promise<void> {
    if (unindexed.length === 0) return;
    const entries = unindexed;
    const eventCount = unindexedEvents;
    const position = writtenTo;
    unindexed = [];
    unindexedEvents = 0;
    const byActor = new Map<string, ChainEvent[]>();
    for (const entry of entries) {
      const events = byActor.get(entry.actorId);
      if (events === undefined) byActor.set(entry.actorId, [...entry.events]);
      else for (const event of entry.events) events.push(event);
    }
    try {
      await index.write(
        [...byActor].map(([actorId, events]) => ({ actorId, events })),
        [positionEntry(writerId, position)],
      );
      indexFailure = undefined;
    } catch (error) {
      // Still durable in the log and served from memory: tried again at the next write, and at close.
      unindexed = [...entries, ...unindexed];
      unindexedEvents += eventCount;
      indexFailure = error;
      throw error;
    }
    for (const [actorId, events] of byActor) {
      const tail = tails.get(actorId);
      if (tail === undefined) continue;
      const last = events.at(-1)!.seq;
      const keep = tail.findIndex((event) => event.seq > last);
      if (keep === -1) tails.delete(actorId);
      else tails.set(actorId, tail.slice(keep));
    }
    try {
      if (position.segment > deletedBefore) log.deleteSegmentsBefore(position.segment);
      deletedBefore = position.segment;
    } catch {
      // Left for the next run (or the next open's recovery) to delete.
    }
  }

  return {
    async append(actorId, events) {
      if (closed) throw new ChainError('store-closed', 'the chain store is closed');
      if (broken !== undefined) throw writeFailure();
      if (events.length === 0) return;
      if (unindexedEvents >= MAX_UNINDEXED_EVENTS) await indexNow();
      const frame = encodeChainLogRecord(actorId, events);
      await new Promise<void>((resolve, reject) => {
        queued.push({ actorId, events, frame, resolve, reject });
        if (!writeScheduled) {
          writeScheduled = true;
          // At the end of this turn of the event loop: every actor's append of the turn goes into the same write.
          // (Not process.nextTick: callers that append again as soon as acknowledged would starve I/O and timers.)
          setImmediate(writeQueued);
        }
      });
    },

    tail(actorId) {
      return tails.get(actorId)?.slice() ?? [];
    },

    head(actorId) {
      return tails.get(actorId)?.at(-1);
    },

    actors() {
      return [...tails.keys()];
    },

    async close() {
      if (closed) return;
      closed = true;
      if (indexTimer !== undefined) clearTimeout(indexTimer);
      indexTimer = undefined;
      try {
        await indexNow();
      } finally {
        log.close();
      }
    },
  };
}
