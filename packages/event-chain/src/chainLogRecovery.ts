/**
 * Recovery of a chain log directory into the level index when a store opens: every record past the index's
 * recorded position of each log is read (a torn tail is cut off), its events ordered per actor by seq and checked
 * to continue the indexed head (an actor's events may continue in another writer's log after it moved), and written
 * to the index with the logs' new positions. Records the index already has are skipped, so a recovery interrupted
 * by another crash is simply done again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual } from './bytesEqual.js';
import { ChainError } from './chainError.js';
import type { ChainIndex, IndexAppend } from './chainJournal.js';
import { listChainLogSegments, segmentFileName, type ChainLogPosition } from './chainLog.js';
import { readChainLog } from './chainLogReader.js';
import { decodeStoredEvent, type ChainEvent } from './eventFormat.js';

/** Index meta keys of log positions start with this. */
const POSITION_KEY = 'log-position:';
/** Events written to the index per batch during recovery. */
const RECOVERY_BATCH_EVENTS = 4096;

/** What recovery did: the segment a writer's new log may start at, and what it read and dropped. */
export interface ChainLogRecovery {
  /** Above every segment number any log in the directory has used. */
  readonly nextSegment: number;
  readonly recoveredEvents: number;
  readonly droppedBytes: number;
}

/** The meta entry that records `writerId`'s indexed position. */
export function positionEntry(writerId: string, position: ChainLogPosition): readonly [string, Uint8Array] {
  return [POSITION_KEY + writerId, new TextEncoder().encode(JSON.stringify(position))];
}

/** Indexes every log record in `dir` past the index's positions, then deletes the segments (all indexed). */
export async function recoverChainLogs(dir: string, index: ChainIndex): Promise<ChainLogRecovery> {
  const positions = new Map<string, ChainLogPosition>();
  for (const [key, bytes] of await index.meta()) {
    if (key.startsWith(POSITION_KEY)) positions.set(key.slice(POSITION_KEY.length), decodePosition(key, bytes));
  }
  const logs = listChainLogSegments(dir);
  let nextSegment = 0;
  for (const position of positions.values()) nextSegment = Math.max(nextSegment, position.segment + 1);
  const byActor = new Map<string, ChainEvent[][]>();
  const ends: (readonly [string, Uint8Array])[] = [];
  let droppedBytes = 0;
  for (const [writerId, segments] of logs) {
    nextSegment = Math.max(nextSegment, segments.at(-1)! + 1);
    const from = positions.get(writerId) ?? { segment: segments[0]!, offset: 0 };
    const contents = readChainLog(dir, writerId, segments, from);
    droppedBytes += contents.dropped?.bytes ?? 0;
    ends.push(positionEntry(writerId, contents.end));
    for (const record of contents.records) {
      const events = record.events.map((bytes) => decodeLogged(dir, writerId, bytes));
      if (events.length === 0) continue;
      const list = byActor.get(record.actorId) ?? [];
      list.push(events);
      byActor.set(record.actorId, list);
    }
  }

  // Every actor's events are checked before anything is written: a log that does not continue a chain changes nothing.
  const recovered: IndexAppend[] = [];
  for (const [actorId, records] of byActor) {
    records.sort((a, b) => a[0]!.seq - b[0]!.seq);
    let head = await index.head(actorId);
    const events: ChainEvent[] = [];
    for (const event of records.flat()) {
      if (head !== undefined && event.seq <= head.seq) continue;
      if (event.seq !== (head?.seq ?? -1) + 1 || !bytesEqual(event.parent, head?.hash ?? null)) {
        throw new ChainError(
          'corrupt-chain',
          `the chain logs in ${dir} hold event seq ${event.seq} of actor ${JSON.stringify(actorId)}, which does not continue its stored chain (next seq ${(head?.seq ?? -1) + 1})`,
        );
      }
      events.push(event);
      head = event;
    }
    if (events.length > 0) recovered.push({ actorId, events });
  }

  let batch: IndexAppend[] = [];
  let batchEvents = 0;
  let recoveredEvents = 0;
  for (const { actorId, events } of recovered) {
    for (let first = 0; first < events.length; first += RECOVERY_BATCH_EVENTS) {
      const part = events.slice(first, first + RECOVERY_BATCH_EVENTS);
      batch.push({ actorId, events: part });
      batchEvents += part.length;
      recoveredEvents += part.length;
      if (batchEvents >= RECOVERY_BATCH_EVENTS) {
        await index.write(batch, []);
        batch = [];
        batchEvents = 0;
      }
    }
  }
  // The positions go with the last batch: until they are written, a new recovery reads the same records again.
  await index.write(batch, ends);
  for (const [writerId, segments] of logs) {
    for (const segment of segments) rmSync(join(dir, segmentFileName(writerId, segment)), { force: true });
  }
  return { nextSegment, recoveredEvents, droppedBytes };
}

function decodeLogged(dir: string, writerId: string, bytes: Uint8Array): ChainEvent {
  try {
    return decodeStoredEvent(bytes);
  } catch (error) {
    throw new ChainError('corrupt-chain', `a record of chain log ${writerId} in ${dir} holds an event that cannot be decoded`, {
      cause: error,
    });
  }
}

function decodePosition(key: string, bytes: Uint8Array): ChainLogPosition {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    value = undefined;
  }
  const { segment, offset } = (value ?? {}) as { segment?: unknown; offset?: unknown };
  if (!Number.isSafeInteger(segment) || !Number.isSafeInteger(offset) || (segment as number) < 0 || (offset as number) < 0) {
    throw new ChainError('corrupt-chain', `the chain index holds a malformed log position under ${JSON.stringify(key)}`);
  }
  return { segment: segment as number, offset: offset as number };
}
