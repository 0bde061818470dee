/**
 * A chain log writer: appends record frames (see chainLogRecord.ts) to numbered segment files of one writer, with
 * one `write(2)` per call, synchronously, so that whoever calls it can acknowledge every append the call carried.
 * It knows nothing of level or of the events inside the frames: one writer per thread that records events (today
 * the kernel's main thread, later each scheduler worker), all in one directory, each under its own writer id.
 *
 * Segment files are named `<writer id>.<segment, 12 digits>.log`; a writer starts a new segment when it opens and
 * whenever the current one has reached `segmentBytes`, and never writes into a segment it did not create, so only
 * the last segment of a log can end in a torn frame.
 */
import { closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';

/** Where a log ends (or a reader stands): a segment number and a byte offset in it. */
export interface ChainLogPosition {
  readonly segment: number;
  readonly offset: number;
}

/** Options of `ChainLog.open`. */
export interface ChainLogOptions {
  /** The segment to create first; must be above every segment of this writer already in the directory. */
  readonly firstSegment: number;
  /** A segment that has reached this size is closed and the next one started (default 64 MiB). */
  readonly segmentBytes?: number;
  /** `true`: each write is also fdatasynced (survives power loss, not only a crash of the process). */
  readonly sync?: boolean;
}

/** The default size at which a segment is closed. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_DIGITS = 12;
const WRITER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT_NAME = /^([A-Za-z0-9_-]{1,64})\.(\d{12})\.log$/;

/** The file name of `writerId`'s segment `segment`. */
export function segmentFileName(writerId: string, segment: number): string {
  return `${writerId}.${String(segment).padStart(SEGMENT_DIGITS, '0')}.log`;
}

/** The segment files in `dir`, by writer id, each writer's in increasing segment order; none when `dir` does not exist. */
export function listChainLogSegments(dir: string): Map<string, number[]> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const logs = new Map<string, number[]>();
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match === null) continue;
    const segments = logs.get(match[1]!) ?? [];
    segments.push(Number(match[2]));
    logs.set(match[1]!, segments);
  }
  for (const segments of logs.values()) segments.sort((a, b) => a - b);
  return logs;
}

/** Throws a TypeError unless `writerId` can name a log (letters, digits, `_` and `-`, at most 64). */
export function assertWriterId(writerId: unknown): asserts writerId is string {
  if (typeof writerId !== 'string' || !WRITER_ID.test(writerId)) {
    throw new TypeError(`expected a chain log writer id of 1-64 letters, digits, _ or -, got ${JSON.stringify(writerId)}`);
  }
}

/** One writer's append-only log; see the module header. */
export class ChainLog {
  readonly dir: string;
  readonly writerId: string;
  readonly #segmentBytes: number;
  readonly #sync: boolean;
  #fd: number | undefined;
  #segment: number;
  #offset = 0;

  private constructor(dir: string, writerId: string, options: ChainLogOptions) {
    this.dir = dir;
    this.writerId = writerId;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#sync = options.sync ?? false;
    this.#segment = options.firstSegment;
    this.#fd = this.#create(this.#segment);
  }

  /** Creates `dir` if needed and starts segment `firstSegment` of `writerId` there. */
  static open(dir: string, writerId: string, options: ChainLogOptions): ChainLog {
    assertWriterId(writerId);
    if (!Number.isSafeInteger(options.firstSegment) || options.firstSegment < 0) {
      throw new RangeError(`expected firstSegment as a non-negative integer, got ${String(options.firstSegment)}`);
    }
    if (options.segmentBytes !== undefined && (!Number.isSafeInteger(options.segmentBytes) || options.segmentBytes < 1)) {
      throw new RangeError(`expected segmentBytes as a positive integer, got ${String(options.segmentBytes)}`);
    }
    mkdirSync(dir, { recursive: true });
    return new ChainLog(dir, writerId, options);
  }

  /** Where the next frame will be written. */
  get position(): ChainLogPosition {
    return { segment: this.#segment, offset: this.#offset };
  }

  /**
   * Writes `frames` with one `write(2)` (more only if the OS takes part of it), then starts the next segment if this
   * one is full; returns the position after the last frame. On failure the segment is cut back to where it was, so a
   * failed write leaves no partial frame behind a later one.
   */
  write(frames: readonly Uint8Array[]): ChainLogPosition {
    const fd = this.#open();
    let size = 0;
    for (const frame of frames) size += frame.length;
    if (size === 0) return this.position;
    try {
      let written = writevSync(fd, frames as Uint8Array[]);
      while (written < size) written += writevSync(fd, remainder(frames, written));
      if (this.#sync) fdatasyncSync(fd);
    } catch (error) {
      try {
        ftruncateSync(fd, this.#offset);
      } catch {
        // The frame may stay torn; the writer is closed so nothing is written after it.
        this.close();
      }
      throw error;
    }
    this.#offset += size;
    const end = this.position;
    if (this.#offset >= this.#segmentBytes) {
      closeSync(fd);
      this.#fd = undefined;
      this.#segment += 1;
      this.#offset = 0;
      this.#fd = this.#create(this.#segment);
    }
    return end;
  }

  /** Deletes this writer's segments numbered below `segment` (their records are indexed elsewhere). */
  deleteSegmentsBefore(segment: number): void {
    for (const old of listChainLogSegments(this.dir).get(this.writerId) ?? []) {
      if (old >= segment || old >= this.#segment) break;
      rmSync(join(this.dir, segmentFileName(this.writerId, old)), { force: true });
    }
  }

  /** Closes the current segment; idempotent. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }

  #open(): number {
    if (this.#fd === undefined) throw new Error(`the chain log ${this.writerId} in ${this.dir} is closed`);
    return this.#fd;
  }

  #create(segment: number): number {
    const fd = openSync(join(this.dir, segmentFileName(this.writerId, segment)), 'wx');
    if (this.#sync) syncDirectory(this.dir);
    return fd;
  }
}

/** The frames after the first `skip` bytes of `frames`. */
function remainder(frames: readonly Uint8Array[], skip: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let left = skip;
  for (const frame of frames) {
    if (left >= frame.length) {
      left -= frame.length;
      continue;
    }
    rest.push(left > 0 ? frame.subarray(left) : frame);
    left = 0;
  }
  return rest;
}

/** Makes a new file's directory entry durable (only needed when writes are synced). */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
