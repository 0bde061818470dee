/**
 * Reads a chain log back (recovery): the records of one writer's segments from a position on. Only the last segment
 * of a log can end in a torn frame (a write the killed process did not finish, never acknowledged): it is cut off the
 * file and reported, never read as a record. A bad frame anywhere else is a corrupt log and an error.
 */
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ChainError } from './chainError.js';
import { segmentFileName, type ChainLogPosition } from './chainLog.js';
import { readChainLogFrame, type ChainLogRecord } from './chainLogRecord.js';

/** A record read back, with the position right after it. */
export interface ReadChainLogRecord extends ChainLogRecord {
  readonly end: ChainLogPosition;
}

/** What `readChainLog` found. */
export interface ChainLogContents {
  readonly records: ReadChainLogRecord[];
  /** The position after the last good record (`from` when there is none). */
  readonly end: ChainLogPosition;
  /** The torn tail cut off the last segment, if there was one. */
  readonly dropped?: { readonly segment: number; readonly offset: number; readonly bytes: number };
}

/**
 * Reads `writerId`'s records in `segments` (its segment numbers, increasing) from `from` on, cutting a torn tail off
 * the last segment; throws `corrupt-chain` for a bad frame before the end of the log.
 */
export function readChainLog(dir: string, writerId: string, segments: readonly number[], from: ChainLogPosition): ChainLogContents {
  const records: ReadChainLogRecord[] = [];
  let end = from;
  let dropped: ChainLogContents['dropped'];
  const wanted = segments.filter((segment) => segment >= from.segment);
  for (const [index, segment] of wanted.entries()) {
    const path = join(dir, segmentFileName(writerId, segment));
    const bytes = new Uint8Array(readFileSync(path));
    let offset = segment === from.segment ? from.offset : 0;
    if (offset > bytes.length) {
      throw new ChainError('corrupt-chain', `chain log ${path} is shorter (${bytes.length} bytes) than its indexed position ${offset}`);
    }
    end = { segment, offset };
    for (;;) {
      const frame = readChainLogFrame(bytes, offset);
      if (frame.ok) {
        offset = frame.next;
        end = { segment, offset };
        records.push({ ...frame.record, end });
        continue;
      }
      if (frame.reason === 'end') break;
      const last = index === wanted.length - 1;
      if (!last || (frame.reason !== 'torn' && !zeroOrEndsFile(bytes, offset, frame.reason))) {
        throw new ChainError(
          'corrupt-chain',
          `chain log ${path} has a bad record at byte ${offset} (${frame.reason}) with more of the log after it`,
        );
      }
      truncateSync(path, offset);
      dropped = { segment, offset, bytes: bytes.length - offset };
      break;
    }
  }
  return dropped === undefined ? { records, end } : { records, end, dropped };
}

/** True when a bad frame at `offset` is the end of the file: its declared length reaches the end, or only zeros follow. */
function zeroOrEndsFile(bytes: Uint8Array, offset: number, reason: string): boolean {
  if (reason === 'checksum') {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
    if (offset + 8 + length === bytes.length) return true;
  }
  for (let at = offset; at < bytes.length; at += 1) if (bytes[at] !== 0) return false;
  return true;
}
