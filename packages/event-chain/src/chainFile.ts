/**
 * The chain file (what `exportChain` writes): a streaming reader that checks its structure, and `verifyChainFile`,
 * which verifies the chain a file holds, signed checkpoints included, in constant memory.
 *
 * Format v1: a sequence of frames, each a 4-byte big-endian unsigned length followed by that many bytes:
 *
 *     frame 0          DAG-CBOR { format: 'theater-chain', v: 1, actor: string, events: n, checkpoints: m }
 *     frames 1..n      the events in increasing seq order, each exactly as stored: encodeStoredEvent(event)
 *     frames n+1..n+m  the checkpoints in increasing seq order, each DAG-CBOR { seq: uint, bytes: bytes }
 *
 * Nothing follows the last frame; the header frame is at most 64 KiB. The reader checks this structure (frames
 * present and complete, events decodable with increasing seqs, checkpoints `{ seq, bytes }` with increasing seqs
 * no later than the last event, nothing after) but not the hashes or signatures: that is `verifyChain`'s job, so
 * tampering with contents stays detectable and is reported as such.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { ChainError } from './chainError.js';
import type { StoredCheckpoint } from './chainStore.js';
import { checkpointCoverage, type CheckpointCoverage } from './checkpointCoverage.js';
import { decodeStoredEvent, type ChainEvent } from './eventFormat.js';
import { verifyWithStoredCheckpoints, type VerifyResult } from './verifyChain.js';

/** The `format` field of a chain file header. */
export const CHAIN_FILE_FORMAT = 'theater-chain';
/** The chain file format version written and read. */
export const CHAIN_FILE_VERSION = 1;

/** What a chain file's first frame says: whose chain it is and how many frames follow. */
export interface ChainFileHeader {
  readonly actor: string;
  readonly events: number;
  readonly checkpoints: number;
}

/** An event read from a chain file, with its bytes exactly as in the file (what the store keeps). */
export interface ChainFileEvent {
  readonly event: ChainEvent;
  readonly bytes: Uint8Array;
}

/** A chain file's bytes: all of them, or their chunks in order (e.g. a file read stream). */
export type ChainFileSource = AsyncIterable<Uint8Array> | Uint8Array;

/**
 * A one-pass reader of a chain file, in file order: the header, then the events, then the checkpoints. Reads must
 * not overlap. The first problem found is thrown as a ChainError `invalid-chain-file` naming it, and thrown again by
 * every later read.
 */
export interface ChainFileReader extends AsyncDisposable {
  /** The header (read on the first call). */
  header(): Promise<ChainFileHeader>;
  /** The events not read yet, decoded, in file order; the hashes are not checked. */
  events(): AsyncIterable<ChainEvent>;
  /** Like `events()`, with each event's frame bytes as they are in the file. */
  eventFrames(): AsyncIterable<ChainFileEvent>;
  /**
   * The checkpoints, as stored (opaque bytes at a seq). Events not read yet are read and checked first; after the
   * last checkpoint, the reader checks that nothing follows it.
   */
  checkpoints(): AsyncIterable<StoredCheckpoint>;
  /** Stops reading the source (ends its iterator when it was not read to the end); idempotent. */
  close(): Promise<void>;
}

/** What `verifyChainFile` found: the file's header (actor and counts), the verdict, and how far its checkpoints reach. */
export interface ChainFileVerdict {
  readonly header: ChainFileHeader;
  readonly result: VerifyResult;
  /** How many events the newest checkpoint covers, and how many follow it (meaningful when `result.ok`). */
  readonly coverage: CheckpointCoverage;
}

/** Options of `verifyChainFile`. */
export interface VerifyChainFileOptions {
  /** When given, every checkpoint must be signed by one of these Ed25519 public keys. */
  readonly trustedKeys?: readonly Uint8Array[];
}

const HEADER_MAX_BYTES = 64 * 1024;
const LENGTH_BYTES = 4;

/**
 * Reads a chain file as it arrives, holding one frame at a time.
 * @example
 * await using file = readChainFile(createReadStream('counter.chain'));
 * const { actor, events } = await file.header();
 * for await (const event of file.events()) console.log(event.seq, event.type);
 * for await (const { seq } of file.checkpoints()) console.log('checkpoint at', seq);
 */
export function readChainFile(source: ChainFileSource): ChainFileReader {
  if (!(source instanceof Uint8Array) && !isAsyncIterable(source)) {
    throw new TypeError('expected source as a Uint8Array or an AsyncIterable of Uint8Array');
  }
  const frames = createFrameReader(source);
  let header: Promise<ChainFileHeader> | undefined;
  let eventsRead = 0;
  let lastEventSeq = -1;
  let checkpointsRead = 0;
  let lastCheckpointSeq = -1;
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  let busy = false;

  /** Runs one read: never two at once, and after a failure only that failure again. */
  async function read<T>(operation: () => Promise<T>): Promise<T> {
    if (failure !== undefined) throw failure.error;
    if (busy) throw new TypeError('reads of a chain file must not overlap');
    busy = true;
    try {
      return await operation();
    } catch (error) {
      failure = { error };
      throw error;
    } finally {
      busy = false;
    }
  }

  function readHeader(): Promise<ChainFileHeader> {
    header ??= read(async () => decodeHeader(await frames.frame('header', HEADER_MAX_BYTES)));
    return header;
  }

  /** The next event, or undefined after the last one. */
  async function nextEvent(): Promise<ChainFileEvent | undefined> {
    const { events } = await readHeader();
    return read(async () => {
      if (eventsRead === events) {
        if (events === 0) throw invalidFile('the file holds no events');
        return undefined;
      }
      const index = eventsRead;
      const payload = await frames.frame(`event ${index}`, Infinity);
      let event: ChainEvent;
      try {
        event = decodeStoredEvent(payload);
      } catch (error) {
        throw invalidFile(`event ${index} is not an encoded event: ${messageOf(error)}`, error);
      }
      if (event.seq <= lastEventSeq) {
        throw invalidFile(`event ${index} has seq ${event.seq}, not after the previous event's seq ${lastEventSeq}`);
      }
      eventsRead = index + 1;
      lastEventSeq = event.seq;
      return { event, bytes: payload };
    });
  }

  /** The next checkpoint, or undefined after the last one (once the end of the file is checked). */
  async function nextCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const { checkpoints } = await readHeader();
    return read(async () => {
      if (checkpointsRead === checkpoints) {
        if (!ended && !(await frames.atEnd())) throw invalidFile(`unexpected bytes after the last frame (byte ${frames.position})`);
        ended = true;
        return undefined;
      }
      const index = checkpointsRead;
      const checkpoint = decodeCheckpointFrame(await frames.frame(`checkpoint ${index}`, Infinity), index);
      if (checkpoint.seq <= lastCheckpointSeq) {
        throw invalidFile(`checkpoint ${index} has seq ${checkpoint.seq}, not after the previous checkpoint's seq ${lastCheckpointSeq}`);
      }
      if (checkpoint.seq > lastEventSeq) {
        throw invalidFile(`checkpoint ${index} has seq ${checkpoint.seq}, beyond the last event's seq ${lastEventSeq}`);
      }
      checkpointsRead = index + 1;
      lastCheckpointSeq = checkpoint.seq;
      return checkpoint;
    });
  }

  async function close(): Promise<void> {
    await frames.close();
  }

  return {
    header: readHeader,
    async *events() {
      for (let next = await nextEvent(); next !== undefined; next = await nextEvent()) yield next.event;
    },
    async *eventFrames() {
      for (let next = await nextEvent(); next !== undefined; next = await nextEvent()) yield next;
    },
    async *checkpoints() {
      while ((await nextEvent()) !== undefined);
      for (let checkpoint = await nextCheckpoint(); checkpoint !== undefined; checkpoint = await nextCheckpoint()) yield checkpoint;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Verifies the chain a file holds with `verifyChain`: hashes, links and its signed checkpoints (each must name the
 * file's actor; with `trustedKeys`, be signed by one of them). The checkpoints come last in the file, so it is read
 * twice, each time in constant memory: `open` is called once per pass and must give the same bytes (a Uint8Array
 * is simply read twice). A checkpoint whose bytes do not decode, or that names another seq than the one it is
 * stored at, fails verification at that seq. A malformed file throws `invalid-chain-file`.
 * @example
 * const { header, result } = await verifyChainFile(() => createReadStream('counter.chain'), { trustedKeys: [key] });
 * if (!result.ok) console.error(`${header.actor}: event ${result.index}: ${result.reason}`);
 */
export async function verifyChainFile(
  open: Uint8Array | (() => ChainFileSource),
  options: VerifyChainFileOptions = {},
): Promise<ChainFileVerdict> {
  if (!(open instanceof Uint8Array) && typeof open !== 'function') {
    throw new TypeError("expected open as a Uint8Array or a function returning the file's bytes");
  }
  const source = (): ChainFileSource => (open instanceof Uint8Array ? open : open());

  // Pass 1: the structure of the whole file, and its checkpoints.
  let header: ChainFileHeader;
  const stored: StoredCheckpoint[] = [];
  {
    await using file = readChainFile(source());
    header = await file.header();
    for await (const checkpoint of file.checkpoints()) stored.push(checkpoint);
  }

  // Pass 2: the events, streamed through verifyChain.
  await using file = readChainFile(source());
  const again = await file.header();
  if (again.actor !== header.actor || again.events !== header.events || again.checkpoints !== header.checkpoints) {
    throw invalidFile('the file changed while it was being verified');
  }
  const result = await verifyWithStoredCheckpoints(file.events(), stored, {
    actorId: header.actor,
    ...(options.trustedKeys === undefined ? {} : { trustedKeys: options.trustedKeys }),
  });
  return { header, result, coverage: checkpointCoverage(header.events, stored) };
}

/** True for an actor id a chain file (and the store) accepts: a non-empty, well-formed string without `\x00`. */
export function isActorId(actorId: unknown): actorId is string {
  // Lone surrogates would not survive the store's utf8 keys.
  return typeof actorId === 'string' && actorId !== '' && !actorId.includes('\x00') && !/[\uD800-\uDFFF]/u.test(actorId);
}

function invalidFile(problem: string, cause?: unknown): ChainError {
  return new ChainError('invalid-chain-file', `invalid chain file: ${problem}`, cause === undefined ? undefined : { cause });
}

function decodeHeader(payload: Uint8Array): ChainFileHeader {
  let header: unknown;
  try {
    header = dagCbor.decode(payload);
  } catch (error) {
    throw invalidFile('the header is not DAG-CBOR', error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalidFile('the header is not a map');
  const fields = header as Record<string, unknown>;
  if (fields['format'] !== CHAIN_FILE_FORMAT) {
    throw invalidFile(`the header's format is ${JSON.stringify(fields['format'])}, expected ${JSON.stringify(CHAIN_FILE_FORMAT)}`);
  }
  if (fields['v'] !== CHAIN_FILE_VERSION) throw invalidFile(`unsupported version ${String(fields['v'])}, expected ${CHAIN_FILE_VERSION}`);
  const { actor, events, checkpoints } = fields;
  if (!isActorId(actor)) throw invalidFile('the header has no valid actor id');
  if (!isCount(events)) throw invalidFile('the header has no events count');
  if (!isCount(checkpoints)) throw invalidFile('the header has no checkpoints count');
  return { actor, events, checkpoints };
}

function decodeCheckpointFrame(payload: Uint8Array, index: number): StoredCheckpoint {
  let value: unknown;
  try {
    value = dagCbor.decode(payload);
  } catch (error) {
    throw invalidFile(`checkpoint ${index} is not DAG-CBOR`, error);
  }
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { seq, bytes } = fields;
  if (!isCount(seq) || !(bytes instanceof Uint8Array)) throw invalidFile(`checkpoint ${index} is not { seq, bytes }`);
  return { seq, bytes };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/** Frames (4-byte big-endian length, then the bytes) read from a chunked source. */
interface FrameReader {
  /** Bytes consumed so far. */
  readonly position: number;
  /** The next frame's bytes; `invalid-chain-file` naming `label` when the source ends first or it is too long. */
  frame(label: string, maxBytes: number): Promise<Uint8Array>;
  /** True when the source has no bytes left. */
  atEnd(): Promise<boolean>;
  close(): Promise<void>;
}

function createFrameReader(source: AsyncIterable<unknown> | Uint8Array): FrameReader {
  const iterator = (source instanceof Uint8Array ? once(source) : source)[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let ended = false;
  let position = 0;

  async function fill(bytes: number): Promise<boolean> {
    while (buffered < bytes && !ended) {
      const next = await iterator.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      const chunk: unknown = next.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('expected the chain file source to yield Uint8Array chunks');
      if (chunk.length === 0) continue;
      chunks.push(chunk);
      buffered += chunk.length;
    }
    return buffered >= bytes;
  }

  function take(bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    let written = 0;
    while (written < bytes) {
      const first = chunks[0]!;
      const wanted = bytes - written;
      if (first.length <= wanted) {
        out.set(first, written);
        written += first.length;
        chunks.shift();
      } else {
        out.set(first.subarray(0, wanted), written);
        chunks[0] = first.subarray(wanted);
        written += wanted;
      }
    }
    buffered -= bytes;
    position += bytes;
    return out;
  }

  return {
    get position() {
      return position;
    },
    async frame(label, maxBytes) {
      const at = position;
      if (!(await fill(LENGTH_BYTES))) {
        throw invalidFile(
          buffered === 0
            ? `truncated: ${label} is missing (end of file at byte ${at})`
            : `truncated: ${label}'s length at byte ${at} is cut short`,
        );
      }
      const prefix = take(LENGTH_BYTES);
      const length = new DataView(prefix.buffer, prefix.byteOffset, LENGTH_BYTES).getUint32(0);
      if (length > maxBytes) throw invalidFile(`${label} at byte ${at} declares ${length} bytes, more than its limit of ${maxBytes}`);
      if (!(await fill(length))) {
        throw invalidFile(`truncated: ${label} at byte ${at} declares ${length} bytes but only ${buffered} remain`);
      }
      return take(length);
    },
    async atEnd() {
      return !(await fill(1));
    },
    async close() {
      if (ended) return;
      ended = true;
      await iterator.return?.();
    },
  };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
