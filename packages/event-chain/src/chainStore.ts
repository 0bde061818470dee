/**
 * The durable chain store: every actor's event chain in one level (LevelDB) database, appended in atomic batches,
 * read back by range or as a stream, followed live, and exported to / imported from a portable chain file.
 *
 * Key layout (all keys utf8, all values raw bytes; `seq16` is the seq as 16-digit zero-padded decimal, so that
 * lexicographic order is numeric order for every safe integer; actor ids never contain `\x00`, so the range
 * `[actor\x00, actor\x01)` holds exactly one actor's keys):
 *
 * | sublevel       | key                   | value                                                         |
 * |----------------|-----------------------|---------------------------------------------------------------|
 * | `!events!`     | `${actor}\x00${seq16}`| a segment: consecutive events from that seq, as frames        |
 * | `!heads!`      | `${actor}`            | `encodeStoredEvent(last event)`                               |
 * | `!checkpoints!`| `${actor}\x00${seq16}`| the checkpoint's opaque bytes                                 |
 * | `!imports!`    | `${actor}`            | empty: an import is staging this actor's keys (see below)     |
 *
 * A segment holds the events one append wrote (at most SEGMENT_EVENTS of them), each as a frame: a 4-byte big-endian
 * length and `encodeStoredEvent(event)`; one write per append, not per event, is what lets actors record at the rate
 * they run. An actor's chain exists exactly when it has a head; reads never go past the head. An append writes its
 * segments and the new head in one batch. An import stages the file's events and checkpoints under the target actor in
 * bounded batches (after marking the actor in `!imports!`), then commits by writing the head and removing the mark
 * in one batch; a failed import removes what it staged, and `openChainStore` removes leftovers of an import that a
 * crash interrupted. So a chain becomes visible whole or not at all.
 *
 * Chain file format v1 (what `exportChain` writes and `importChain` reads with `readChainFile`): a sequence of frames, each a 4-byte
 * big-endian unsigned length followed by that many bytes:
 *
 *     frame 0          DAG-CBOR { format: 'theater-chain', v: 1, actor: string, events: n, checkpoints: m }
 *     frames 1..n      the events in increasing seq order, each exactly as stored: encodeStoredEvent(event)
 *     frames n+1..n+m  the checkpoints in increasing seq order, each DAG-CBOR { seq: uint, bytes: bytes }
 *
 * Nothing follows the last frame. The counts come first so a reader knows where the file ends; the header frame
 * is at most 64 KiB. Both directions stream in constant memory.
 *
 * With a journal (the chain log, option `log`), appends go to the journal instead of a level batch, and level is
 * its index: the journal writes events and heads (and its own positions under `!journal!`) in the background, and
 * every read joins what level has with the journal's tail of acknowledged, not yet indexed events.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import {
  CHAIN_FILE_FORMAT,
  CHAIN_FILE_VERSION,
  isActorId,
  readChainFile,
  type ChainFileHeader,
  type ChainFileReader,
} from './chainFile.js';
import { bytesEqual } from './bytesEqual.js';
import { ChainError } from './chainError.js';
import type { ChainIndex, ChainJournal, ChainJournalFactory, IndexAppend } from './chainJournal.js';
import { openLogJournal } from './logJournal.js';
import { createEvent, decodeStoredEvent, encodeStoredEvent, type ChainEvent, type EventInput } from './eventFormat.js';

/** A range of seqs: `from` (inclusive, default 0), `to` (exclusive, default past the head), at most `limit` events. */
export interface ReadRange {
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
}

/** Opaque checkpoint bytes stored for an actor at a seq (their format is defined elsewhere). */
export interface StoredCheckpoint {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** Where a subscription starts, and who hears about a listener that threw (it is then unsubscribed). */
export interface SubscribeOptions {
  readonly from?: number;
  readonly onError?: (error: unknown) => void;
}

/** What `importChain` stored. */
export interface ImportedChain {
  readonly actorId: string;
  readonly events: number;
  readonly checkpoints: number;
}

/** Options of `openChainStore`. */
export interface ChainStoreOptions {
  /**
   * `false` (default): an append resolves once LevelDB has written the batch to its log through the OS, so it
   * survives a crash of this process. `true`: each write is also fsynced, so it survives an OS crash or power loss
   * (much slower).
   */
  readonly sync?: boolean;
  /**
   * A directory for append-only chain logs (created if needed). When given, an append is acknowledged once one
   * `write(2)` to the log carried it (with every other append of the same tick), and the level database becomes an
   * index fed from the log in the background and brought up to date from it when the store opens. A database
   * written without a log opens as an index with nothing to recover. `sync` then fdatasyncs each log write.
   */
  readonly log?: { readonly dir: string; readonly segmentBytes?: number };
}

/** The durable store of actor chains; see the module header for its key layout and file format. */
export interface ChainStore {
  /**
   * Appends events after the actor's head, written with the new head in one batch; resolves once written.
   * Appends for one actor run one after the other in call order; different actors do not wait for each other.
   */
  append(actorId: string, inputs: readonly EventInput[]): Promise<ChainEvent[]>;
  /**
   * Appends events already built with `createEvent` (the first linked to the current head, each to the one before),
   * in one batch; rejects with `not-linked`, writing nothing, when they do not continue the chain. In order with
   * `append`.
   */
  appendEvents(actorId: string, events: readonly ChainEvent[]): Promise<void>;
  /** The actor's last event, or undefined when it has no chain. */
  head(actorId: string): Promise<ChainEvent | undefined>;
  /** Ids of every actor with a chain, sorted. */
  actors(): Promise<string[]>;
  /** The actor's events in `[from, to)`, at most `limit`, in seq order. */
  read(actorId: string, range?: ReadRange): Promise<ChainEvent[]>;
  /** The actor's events from `from` (up to the head when iteration starts) in seq order, read in small chunks. */
  stream(actorId: string, range?: Omit<ReadRange, 'limit'>): AsyncIterable<ChainEvent>;
  /** Stores opaque checkpoint bytes for the actor at `seq` (an event it has), replacing any at that seq; in order with appends. */
  putCheckpoint(actorId: string, seq: number, bytes: Uint8Array): Promise<void>;
  /** The actor's checkpoints in seq order. */
  checkpoints(actorId: string): Promise<StoredCheckpoint[]>;
  /**
   * Calls `listener` with the actor's events from `from` (default 0): first the stored history, then each append,
   * in seq order without gaps or repeats. Resolves once the history has been delivered, with an unsubscribe function.
   */
  subscribe(actorId: string, options: SubscribeOptions, listener: (event: ChainEvent) => void): Promise<() => void>;
  /** The actor's chain as a chain file (see the module header), in chunks, from a consistent snapshot; `unknown-actor` if none. */
  exportChain(actorId: string): AsyncIterable<Uint8Array>;
  /**
   * Reads a chain file and stores its events and checkpoints as they are (hashes are `verify`'s job) under
   * `actorId` (default: the file's actor). Rejects with `invalid-chain-file` or `chain-exists`, having stored nothing.
   * Appends to that actor wait until the import has ended; its subscribers then receive the imported events.
   */
  importChain(source: AsyncIterable<Uint8Array> | Uint8Array, options?: { readonly actorId?: string }): Promise<ImportedChain>;
  /** Waits for started appends, ends subscriptions and closes the database; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SEQ_DIGITS = 16;
const FRAME_MAX_BYTES = 0xffff_ffff;
const READ_CHUNK = 256;
/** Segments read per iterator step. */
const READ_SEGMENTS = 256;
/** The most events one stored segment holds. */
const SEGMENT_EVENTS = 512;
const FRAME_PREFIX_BYTES = 4;
const IMPORT_BATCH_OPS = 1000;
const IMPORT_BATCH_BYTES = 4 * 1024 * 1024;
const EXPORT_CHUNK_BYTES = 64 * 1024;
const EMPTY = new Uint8Array(0);

type Database = Level<string, Uint8Array>;
type Sublevel = ReturnType<typeof openSublevel>;
type Snapshot = ReturnType<Database['snapshot']>;
type Operation = { type: 'put'; sublevel: Sublevel; key: string; value: Uint8Array } | { type: 'del'; sublevel: Sublevel; key: string };

interface Subscription {
  readonly actorId: string;
  readonly listener: (event: ChainEvent) => void;
  readonly onError: ((error: unknown) => void) | undefined;
  /** The next seq this subscriber may receive; anything lower was already delivered. */
  nextSeq: number;
  /** Live events that arrive while history is being read; undefined once live. */
  buffer: ChainEvent[] | undefined;
  active: boolean;
}

/**
 * Opens (creating if needed) the chain store at `path`.
 * @example
 * await using store = await openChainStore('/var/lib/theater/chains');
 * const [spawn] = await store.append('counter-1', [{ type: 'actor.spawn', data, time: Date.now() }]);
 */
export async function openChainStore(path: string, options: ChainStoreOptions = {}): Promise<ChainStore> {
  if (typeof path !== 'string' || path === '') throw new TypeError('expected path as a non-empty string');
  const log = options.log;
  if (log !== undefined && (typeof log.dir !== 'string' || log.dir === '')) throw new TypeError('expected log.dir as a non-empty string');
  if (log?.segmentBytes !== undefined && (!Number.isSafeInteger(log.segmentBytes) || log.segmentBytes < 1)) {
    throw new RangeError(`expected log.segmentBytes as a positive integer, got ${String(log.segmentBytes)}`);
  }
  const db: Database = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (error) {
    const locked = (error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED';
    throw new ChainError(
      'open-failed',
      locked
        ? `the chain store at ${path} is in use by another process or actor system (only one may open a Theater home at a time)`
        : `cannot open the chain store at ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  const sync = options.sync ?? false;
  const journal: ChainJournalFactory | undefined =
    log === undefined
      ? undefined
      : (index) =>
          openLogJournal(index, { dir: log.dir, sync, ...(log.segmentBytes === undefined ? {} : { segmentBytes: log.segmentBytes }) });
  return storeOver(db, { sync }, journal);
}

/**
 * Opens a chain store that lives only in this process's memory (for actors with `save_chain = false`, replays and
 * tests): the same behaviour as `openChainStore`, but nothing survives `close()`.
 */
export async function openMemoryChainStore(): Promise<ChainStore> {
  // memory-level implements the same abstract-level interface as classic-level; only the class differs.
  const db = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Database;
  await db.open();
  return storeOver(db, { sync: false });
}

async function storeOver(db: Database, writeOptions: { sync: boolean }, openJournal?: ChainJournalFactory): Promise<ChainStore> {
  const eventsDb = openSublevel(db, 'events');
  const headsDb = openSublevel(db, 'heads');
  const checkpointsDb = openSublevel(db, 'checkpoints');
  const importsDb = openSublevel(db, 'imports');
  /** What a journal records about itself in the index (e.g. each log's indexed position). */
  const journalDb = openSublevel(db, 'journal');
  let journal: ChainJournal | undefined;

  /** Heads of actors this store has appended to or loaded under the actor's lock; never individual events. */
  const heads = new Map<string, ChainEvent>();
  /** The tail of each actor's queue of exclusive operations; removed when the queue empties. */
  const tails = new Map<string, Promise<void>>();
  const subscriptions = new Map<string, Set<Subscription>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closed) throw new ChainError('store-closed', 'the chain store is closed');
  }

  function failure(error: unknown, what: string): unknown {
    if (error instanceof ChainError || error instanceof TypeError || error instanceof RangeError) return error;
    if (closed) return new ChainError('store-closed', `the chain store was closed during ${what}`, { cause: error });
    return new ChainError('storage-failed', `${what} failed: ${messageOf(error)}`, { cause: error });
  }

  async function guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw failure(error, what);
    }
  }

  /** Runs `task` after every earlier exclusive task of the same actor has settled. */
  function exclusive<T>(actorId: string, task: () => Promise<T>): Promise<T> {
    const run = (tails.get(actorId) ?? Promise.resolve()).then(task);
    const tail = run.then(noop, noop);
    tails.set(actorId, tail);
    void tail.then(() => {
      if (tails.get(actorId) === tail) tails.delete(actorId);
    });
    return run;
  }

  function decodeStored(actorId: string, bytes: Uint8Array): ChainEvent {
    try {
      return decodeStoredEvent(bytes);
    } catch (error) {
      throw new ChainError('corrupt-chain', `a stored event of actor ${JSON.stringify(actorId)} cannot be decoded: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** Reads the head from the database (or an explicit snapshot), without touching the cache. */
  async function loadHead(actorId: string, snapshot?: Snapshot): Promise<ChainEvent | undefined> {
    const read = snapshot === undefined ? {} : { snapshot };
    const raw = await guard('reading a head', () => headsDb.get(actorId, read));
    return raw === undefined ? undefined : decodeStored(actorId, raw);
  }

  /** The head as seen by readers: the cache, else the database (not cached, so it cannot race an append). */
  async function currentHead(actorId: string): Promise<ChainEvent | undefined> {
    return journal?.head(actorId) ?? heads.get(actorId) ?? (await loadHead(actorId));
  }

  /** The head as seen under the actor's lock, where caching it is safe. */
  async function lockedHead(actorId: string): Promise<ChainEvent | undefined> {
    const cached = journal?.head(actorId) ?? heads.get(actorId);
    if (cached !== undefined) return cached;
    const loaded = await loadHead(actorId);
    if (loaded !== undefined) heads.set(actorId, loaded);
    return loaded;
  }

  /** Events of `actorId` with seq in `[from, end)`, read segment by segment through a level iterator. */
  async function* iterateEvents(actorId: string, from: number, end: number, snapshot?: Snapshot): AsyncGenerator<ChainEvent> {
    for await (const batch of iterateEventBatches(actorId, from, end, snapshot)) yield* batch;
  }

  /**
   * What `iterateEvents` yields, in batches (a stored segment's events, or a chunk of the journal's tail): one async
   * step per batch, not per event, for the readers of a whole chain (an async generator step per event and per
   * nesting level cost more than decoding the event).
   */
  async function* iterateEventBatches(
    actorId: string,
    from: number,
    end: number,
    snapshot?: Snapshot,
  ): AsyncGenerator<readonly ChainEvent[]> {
    if (from >= end) return;
    // Taken before level is read: every event before the journal's tail is in the index by then.
    const tail = journal?.tail(actorId) ?? [];
    yield* iterateIndexed(actorId, from, Math.min(end, tail[0]?.seq ?? end), snapshot);
    let chunk: ChainEvent[] = [];
    for (const event of tail) {
      if (event.seq < from || event.seq >= end) continue;
      chunk.push(event);
      // Read in chunks like the index: a long tail does not hold the thread for the whole read.
      if (chunk.length === READ_CHUNK) {
        yield chunk;
        chunk = [];
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  /** Events of `actorId` with seq in `[from, end)` as the level index holds them, a segment's worth at a time. */
  async function* iterateIndexed(actorId: string, from: number, end: number, snapshot?: Snapshot): AsyncGenerator<readonly ChainEvent[]> {
    if (from >= end) return;
    const read = snapshot === undefined ? {} : { snapshot };
    // The segment holding `from` starts at or before it.
    const [start] = await guard('reading events', () =>
      eventsDb.keys({ gte: eventKey(actorId, 0), lte: eventKey(actorId, from), reverse: true, limit: 1, ...read }).all(),
    );
    const iterator = eventsDb.iterator({ gte: start ?? eventKey(actorId, from), lt: eventKey(actorId, end), ...read });
    try {
      for (;;) {
        const entries = await guard('reading events', () => iterator.nextv(READ_SEGMENTS));
        if (entries.length === 0) return;
        for (const [key, segment] of entries) {
          let seq = seqOfKey(key);
          const batch: ChainEvent[] = [];
          let past = false;
          try {
            for (const frame of segmentFrames(actorId, segment)) {
              if (seq >= end) {
                past = true;
                break;
              }
              if (seq >= from) batch.push(decodeStored(actorId, frame));
              seq += 1;
            }
          } catch (error) {
            // The events before a bad one are still read, as when they were yielded one by one.
            if (batch.length > 0) yield batch;
            throw error;
          }
          if (batch.length > 0) yield batch;
          if (past) return;
        }
      }
    } finally {
      await iterator.close().catch(noop);
    }
  }

  function deliver(subscription: Subscription, event: ChainEvent): void {
    if (!subscription.active || event.seq < subscription.nextSeq) return;
    subscription.nextSeq = event.seq + 1;
    try {
      subscription.listener(event);
    } catch (error) {
      unsubscribe(subscription);
      subscription.onError?.(error);
    }
  }

  function notify(actorId: string, events: readonly ChainEvent[]): void {
    const set = subscriptions.get(actorId);
    if (set === undefined) return;
    for (const subscription of [...set]) {
      for (const event of events) {
        if (subscription.buffer !== undefined) subscription.buffer.push(event);
        else deliver(subscription, event);
      }
    }
  }

  function unsubscribe(subscription: Subscription): void {
    subscription.active = false;
    const set = subscriptions.get(subscription.actorId);
    if (set === undefined) return;
    set.delete(subscription);
    if (set.size === 0) subscriptions.delete(subscription.actorId);
  }

  async function clearActor(actorId: string): Promise<void> {
    const range = actorRange(actorId);
    await eventsDb.clear(range);
    await checkpointsDb.clear(range);
    await importsDb.del(actorId);
  }

  // Leftovers of imports that a crash interrupted are removed before anyone can see them.
  await guard('removing interrupted imports', async () => {
    for (const actorId of await importsDb.keys().all()) await clearActor(actorId);
  }).catch(async (error: unknown) => {
    await db.close().catch(noop);
    throw error;
  });

  /** Writes linked events and the new head in one batch, then tells subscribers; runs under the actor's lock. */
  async function writeEvents(actorId: string, events: readonly ChainEvent[]): Promise<void> {
    const head = events[events.length - 1];
    if (head === undefined) return;
    if (journal !== undefined) {
      const through = journal;
      await guard('appending events', () => through.append(actorId, events));
    } else {
      await guard('appending events', () => db.batch(indexOps(actorId, events), writeOptions));
    }
    heads.set(actorId, head);
    notify(actorId, events);
  }

  /** The level operations that store `events` (continuing the indexed head) and the new head. */
  function indexOps(actorId: string, events: readonly ChainEvent[]): Operation[] {
    const ops: Operation[] = [];
    for (let first = 0; first < events.length; first += SEGMENT_EVENTS) {
      const part = events.slice(first, first + SEGMENT_EVENTS);
      ops.push({ type: 'put', sublevel: eventsDb, key: eventKey(actorId, part[0]!.seq), value: frames(part.map(encodeStoredEvent)) });
    }
    ops.push({ type: 'put', sublevel: headsDb, key: actorId, value: encodeStoredEvent(events[events.length - 1]!) });
    return ops;
  }

  const index: ChainIndex = {
    async write(appends: readonly IndexAppend[], meta) {
      const ops: Operation[] = [];
      for (const { actorId, events } of appends) if (events.length > 0) ops.push(...indexOps(actorId, events));
      for (const [key, value] of meta) ops.push({ type: 'put', sublevel: journalDb, key, value });
      if (ops.length > 0) await db.batch(ops, writeOptions);
    },
    head: (actorId) => loadHead(actorId),
    meta: () => journalDb.iterator().all(),
  };
  if (openJournal !== undefined) {
    journal = await guard('recovering the chain log', () => openJournal(index)).catch(async (error: unknown) => {
      await db.close().catch(noop);
      throw error;
    });
  }

  async function importStaged(actorId: string, header: ChainFileHeader, file: ChainFileReader): Promise<ImportedChain> {
    assertOpen();
    if ((await lockedHead(actorId)) !== undefined) {
      throw new ChainError('chain-exists', `actor ${JSON.stringify(actorId)} already has a chain; import refuses to overwrite it`);
    }
    await guard('staging an import', async () => {
      await importsDb.put(actorId, EMPTY);
      await eventsDb.clear(actorRange(actorId));
      await checkpointsDb.clear(actorRange(actorId));
    });
    try {
      let ops: Operation[] = [];
      let bytes = 0;
      const flush = async (): Promise<void> => {
        if (ops.length === 0) return;
        const batch = ops;
        ops = [];
        bytes = 0;
        await guard('staging an import', () => db.batch(batch));
      };
      // The reader checks the file's structure; the events are stored as the very bytes the file holds.
      let last: { event: ChainEvent; bytes: Uint8Array } | undefined;
      let segment: Uint8Array[] = [];
      let segmentStart = 0;
      const endSegment = (): void => {
        if (segment.length === 0) return;
        const value = frames(segment);
        ops.push({ type: 'put', sublevel: eventsDb, key: eventKey(actorId, segmentStart), value });
        bytes += value.length;
        segment = [];
      };
      for await (const frame of file.eventFrames()) {
        assertOpen();
        last = frame;
        if (segment.length === 0) segmentStart = frame.event.seq;
        segment.push(frame.bytes);
        if (segment.length >= SEGMENT_EVENTS) endSegment();
        if (ops.length >= IMPORT_BATCH_OPS || bytes >= IMPORT_BATCH_BYTES) await flush();
      }
      endSegment();
      assertOpen();
      for await (const checkpoint of file.checkpoints()) {
        assertOpen();
        ops.push({ type: 'put', sublevel: checkpointsDb, key: eventKey(actorId, checkpoint.seq), value: checkpoint.bytes });
        bytes += checkpoint.bytes.length;
        if (ops.length >= IMPORT_BATCH_OPS || bytes >= IMPORT_BATCH_BYTES) await flush();
      }
      // The reader refuses a file without events, so this holds; it is checked for the compiler.
      if (last === undefined) throw new ChainError('invalid-chain-file', 'invalid chain file: the file holds no events');
      await flush();
      assertOpen();
      await guard('committing an import', () =>
        db.batch(
          [
            { type: 'put', sublevel: headsDb, key: actorId, value: last.bytes },
            { type: 'del', sublevel: importsDb, key: actorId },
          ],
          writeOptions,
        ),
      );
      heads.set(actorId, last.event);
    } catch (error) {
      // If this cleanup fails too, the `!imports!` mark stays and the next open removes the staged keys.
      await guard('discarding a failed import', () => clearActor(actorId)).catch(noop);
      throw error;
    }
    // Subscribers waiting for this actor hear about the imported events like appended ones (still under the lock,
    // so appends cannot overtake them). The import is committed; a failure here only cuts their delivery short.
    if (subscriptions.has(actorId)) {
      try {
        let chunk: ChainEvent[] = [];
        for await (const event of iterateEvents(actorId, 0, (heads.get(actorId)?.seq ?? -1) + 1)) {
          chunk.push(event);
          if (chunk.length >= READ_CHUNK) {
            notify(actorId, chunk);
            chunk = [];
          }
        }
        notify(actorId, chunk);
      } catch {
        // Nothing to undo: see above.
      }
    }
    return { actorId, events: header.events, checkpoints: header.checkpoints };
  }

  async function close(): Promise<void> {
    closing ??= (async () => {
      closed = true;
      await Promise.all(tails.values());
      for (const set of subscriptions.values()) for (const subscription of set) subscription.active = false;
      subscriptions.clear();
      heads.clear();
      try {
        await journal?.close();
      } finally {
        await db.close();
      }
    })();
    return closing;
  }

  return {
    async append(actorId, inputs) {
      assertOpen();
      assertActorId(actorId);
      if (!Array.isArray(inputs)) throw new TypeError('expected inputs as an array');
      return exclusive(actorId, async () => {
        assertOpen();
        let previous = await lockedHead(actorId);
        const events: ChainEvent[] = [];
        for (const input of inputs) {
          previous = createEvent(previous, { type: input.type, data: input.data, time: input.time });
          events.push(previous);
        }
        await writeEvents(actorId, events);
        return events;
      });
    },

    async appendEvents(actorId, events) {
      assertOpen();
      assertActorId(actorId);
      if (!Array.isArray(events)) throw new TypeError('expected events as an array');
      await exclusive(actorId, async () => {
        assertOpen();
        let previous = await lockedHead(actorId);
        for (const event of events) {
          const seq = previous === undefined ? 0 : previous.seq + 1;
          if (event.seq !== seq || !bytesEqual(event.parent, previous?.hash ?? null)) {
            throw new ChainError(
              'not-linked',
              `event seq ${String(event.seq)} does not follow the head of actor ${JSON.stringify(actorId)} (next seq ${seq}, linked to its hash)`,
            );
          }
          previous = event;
        }
        await writeEvents(actorId, events);
      });
    },

    async head(actorId) {
      assertOpen();
      assertActorId(actorId);
      return currentHead(actorId);
    },

    async actors() {
      assertOpen();
      // Taken before the index is read: an actor the index gets meanwhile is in one or the other.
      const unindexed = journal?.actors() ?? [];
      const indexed = await guard('listing actors', () => headsDb.keys().all());
      const known = new Set(indexed);
      const extra = unindexed.filter((id) => !known.has(id));
      if (extra.length === 0) return indexed;
      // Level's order: by UTF-8 bytes.
      return [...indexed, ...extra].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    },

    async read(actorId, range = {}) {
      assertOpen();
      assertActorId(actorId);
      const from = seqOption(range.from, 'from') ?? 0;
      const to = seqOption(range.to, 'to');
      const limit = limitOption(range.limit);
      const head = await currentHead(actorId);
      if (head === undefined || limit === 0) return [];
      const end = Math.min(to ?? Infinity, head.seq + 1);
      if (from >= end) return [];
      const events: ChainEvent[] = [];
      for await (const batch of iterateEventBatches(actorId, from, Math.min(end, from + (limit ?? Infinity)))) {
        for (const event of batch) events.push(event);
      }
      return events;
    },

    async *stream(actorId, range = {}) {
      assertOpen();
      assertActorId(actorId);
      const from = seqOption(range.from, 'from') ?? 0;
      const to = seqOption(range.to, 'to');
      const head = await currentHead(actorId);
      if (head === undefined) return;
      for await (const batch of iterateEventBatches(actorId, from, Math.min(to ?? Infinity, head.seq + 1))) yield* batch;
    },

    async putCheckpoint(actorId, seq, bytes) {
      assertOpen();
      assertActorId(actorId);
      if (seqOption(seq, 'seq') === undefined) throw new RangeError('expected seq as a non-negative integer');
      if (!(bytes instanceof Uint8Array)) throw new TypeError('expected checkpoint bytes as a Uint8Array');
      await exclusive(actorId, async () => {
        assertOpen();
        const head = await lockedHead(actorId);
        if (head === undefined) throw new ChainError('unknown-actor', `actor ${JSON.stringify(actorId)} has no chain to checkpoint`);
        if (seq > head.seq) {
          throw new ChainError(
            'seq-beyond-head',
            `cannot checkpoint actor ${JSON.stringify(actorId)} at seq ${seq}: its head is seq ${head.seq}`,
          );
        }
        await guard('storing a checkpoint', () =>
          db.batch([{ type: 'put', sublevel: checkpointsDb, key: eventKey(actorId, seq), value: bytes }], writeOptions),
        );
      });
    },

    async checkpoints(actorId) {
      assertOpen();
      assertActorId(actorId);
      const head = await currentHead(actorId);
      if (head === undefined) return [];
      const entries = await guard('reading checkpoints', () =>
        checkpointsDb.iterator({ gte: eventKey(actorId, 0), lt: eventKey(actorId, head.seq + 1) }).all(),
      );
      // classic-level hands back Buffers even for the 'view' encoding; callers get plain Uint8Arrays.
      return entries.map(([key, bytes]) => ({
        seq: seqOfKey(key),
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      }));
    },

    async subscribe(actorId, options, listener) {
      assertOpen();
      assertActorId(actorId);
      const from = seqOption(options.from, 'from') ?? 0;
      if (typeof listener !== 'function') throw new TypeError('expected listener as a function');
      const subscription: Subscription = { actorId, listener, onError: options.onError, nextSeq: from, buffer: [], active: true };
      // Registered before the head is read and the history iterator takes its snapshot: an append that is not in
      // the snapshot notifies after this point, so it lands in the buffer; one in both is dropped by seq.
      let set = subscriptions.get(actorId);
      if (set === undefined) {
        set = new Set();
        subscriptions.set(actorId, set);
      }
      set.add(subscription);
      try {
        const head = await currentHead(actorId);
        if (head !== undefined) {
          for await (const event of iterateEvents(actorId, from, head.seq + 1)) {
            deliver(subscription, event);
            if (!subscription.active) break;
          }
        }
        assertOpen();
      } catch (error) {
        unsubscribe(subscription);
        throw failure(error, 'reading history');
      }
      const buffered = subscription.buffer ?? [];
      subscription.buffer = undefined;
      for (const event of buffered) deliver(subscription, event);
      return () => unsubscribe(subscription);
    },

    async *exportChain(actorId) {
      assertOpen();
      assertActorId(actorId);
      // The journal's tail is taken before the snapshot: every event before it is in the snapshot.
      const tail = journal?.tail(actorId) ?? [];
      const snapshot = db.snapshot();
      try {
        const head = tail.at(-1) ?? (await loadHead(actorId, snapshot));
        if (head === undefined) throw new ChainError('unknown-actor', `actor ${JSON.stringify(actorId)} has no chain`);
        const range = { gte: eventKey(actorId, 0), lt: eventKey(actorId, head.seq + 1), snapshot };
        const indexedRange = { ...range, lt: eventKey(actorId, tail[0]?.seq ?? head.seq + 1) };
        const events = head.seq + 1;
        const checkpoints = await countKeys(checkpointsDb, range);
        const chunks = createChunker();
        chunks.add(dagCbor.encode({ format: CHAIN_FILE_FORMAT, v: CHAIN_FILE_VERSION, actor: actorId, events, checkpoints }));
        // Segments already hold their events as frames: they are copied to the file as they are.
        const segments = eventsDb.values(indexedRange);
        try {
          for (
            let batch = await guard('exporting events', () => segments.nextv(READ_SEGMENTS));
            batch.length > 0;
            batch = await guard('exporting events', () => segments.nextv(READ_SEGMENTS))
          ) {
            for (const segment of batch) {
              const full = chunks.addFrames(segment);
              if (full !== undefined) yield full;
            }
          }
        } finally {
          await segments.close().catch(noop);
        }
        for (const event of tail) {
          const full = chunks.add(encodeStoredEvent(event));
          if (full !== undefined) yield full;
        }
        const entries = checkpointsDb.iterator(range);
        try {
          for (
            let batch = await guard('exporting checkpoints', () => entries.nextv(READ_CHUNK));
            batch.length > 0;
            batch = await guard('exporting checkpoints', () => entries.nextv(READ_CHUNK))
          ) {
            for (const [key, bytes] of batch) {
              const full = chunks.add(dagCbor.encode({ seq: seqOfKey(key), bytes }));
              if (full !== undefined) yield full;
            }
          }
        } finally {
          await entries.close().catch(noop);
        }
        const rest = chunks.flush();
        if (rest !== undefined) yield rest;
      } catch (error) {
        throw failure(error, 'exporting a chain');
      } finally {
        await snapshot.close().catch(noop);
      }
    },

    async importChain(source, options = {}) {
      assertOpen();
      await using file = readChainFile(source);
      const header = await file.header();
      const actorId = options.actorId ?? header.actor;
      assertActorId(actorId);
      return await exclusive(actorId, () => importStaged(actorId, header, file));
    },

    close,
    [Symbol.asyncDispose]: close,
  };
}

function openSublevel(db: Database, name: string) {
  return db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' });
}

/** Throws `invalid-actor-id` unless `isActorId(actorId)`. */
function assertActorId(actorId: unknown): asserts actorId is string {
  if (!isActorId(actorId)) {
    throw new ChainError(
      'invalid-actor-id',
      `expected an actor id as a non-empty, well-formed string without \\x00, got ${typeof actorId === 'string' ? JSON.stringify(actorId) : typeof actorId}`,
    );
  }
}

function eventKey(actorId: string, seq: number): string {
  return `${actorId}\x00${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

function actorRange(actorId: string): { gte: string; lt: string } {
  return { gte: `${actorId}\x00`, lt: `${actorId}\x01` };
}

function seqOfKey(key: string): number {
  return Number(key.slice(-SEQ_DIGITS));
}

/** Frames: each payload preceded by its 4-byte big-endian length. */
function frames(payloads: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const payload of payloads) size += FRAME_PREFIX_BYTES + payload.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const payload of payloads) {
    out.writeUInt32BE(payload.length, at);
    out.set(payload, at + FRAME_PREFIX_BYTES);
    at += FRAME_PREFIX_BYTES + payload.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, size);
}

/** The payloads of a segment's frames; a segment that is cut short is a corrupt chain. */
function* segmentFrames(actorId: string, segment: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  for (let at = 0; at < segment.length; ) {
    const length = at + FRAME_PREFIX_BYTES <= segment.length ? view.getUint32(at) : Infinity;
    if (at + FRAME_PREFIX_BYTES + length > segment.length) {
      throw new ChainError('corrupt-chain', `a stored segment of actor ${JSON.stringify(actorId)} is cut short`);
    }
    yield segment.subarray(at + FRAME_PREFIX_BYTES, at + FRAME_PREFIX_BYTES + length);
    at += FRAME_PREFIX_BYTES + length;
  }
}

function seqOption(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected ${name} as a non-negative integer, got ${String(value)}`);
  return value;
}

function limitOption(value: number | undefined): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected limit as a non-negative integer, got ${String(value)}`);
  return value;
}

async function countKeys(sublevel: Sublevel, range: { gte: string; lt: string; snapshot: Snapshot }): Promise<number> {
  const keys = sublevel.keys(range);
  let count = 0;
  try {
    for (let batch = await keys.nextv(1000); batch.length > 0; batch = await keys.nextv(1000)) count += batch.length;
  } finally {
    await keys.close().catch(noop);
  }
  return count;
}

/** Collects frames into chunks of about EXPORT_CHUNK_BYTES, so a consumer sees few, large writes. */
function createChunker(): {
  add(payload: Uint8Array): Uint8Array | undefined;
  addFrames(frames: Uint8Array): Uint8Array | undefined;
  flush(): Uint8Array | undefined;
} {
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = (): Uint8Array | undefined => {
    if (size === 0) return undefined;
    const out = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    parts = [];
    size = 0;
    return out;
  };
  return {
    add(payload) {
      if (payload.length > FRAME_MAX_BYTES) throw new RangeError(`a frame holds at most ${FRAME_MAX_BYTES} bytes, got ${payload.length}`);
      const prefix = new Uint8Array(4);
      new DataView(prefix.buffer).setUint32(0, payload.length);
      parts.push(prefix, payload);
      size += 4 + payload.length;
      return size >= EXPORT_CHUNK_BYTES ? flush() : undefined;
    },
    addFrames(frames) {
      parts.push(frames);
      size += frames.length;
      return size >= EXPORT_CHUNK_BYTES ? flush() : undefined;
    },
    flush,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function noop(): void {}
