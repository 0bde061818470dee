/**
 * Reads a file named by a manifest (the manifest itself, its component, its `init_state`) with bounded work: only a
 * regular file is read, and never more than a size limit. A directory, a FIFO or a device (`/dev/zero`) is refused
 * instead of failing obscurely, blocking forever or filling memory.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Why a file could not be read: absent, not a regular file, over the limit, or failing to read (`EACCES`, `EIO`). */
export type FileReadProblem = 'missing' | 'not-a-file' | 'too-large' | 'unreadable';

/**
 * The bytes of the file, or why it was refused: `detail` completes a sentence naming the file ("is a directory…"),
 * `cause` is the system error, when there was one.
 */
export type FileRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: FileReadProblem; readonly detail: string; readonly cause?: unknown };

/** Read size after the first read (which asks for the whole file as fstat saw it). */
const CHUNK_BYTES = 2 ** 20;

/**
 * Reads the regular file at `path`, of at most `maxBytes` bytes. The limit is checked on the size fstat reports and
 * again while reading, so a file that grows meanwhile cannot exceed it.
 *
 * @example
 * const read = await readRegularFile('counter.wasm', 256 * 2 ** 20);
 * if (!read.ok) throw new Error(`counter.wasm ${read.detail}`);
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<FileRead> {
  // Checked before opening too: opening some devices has effects of its own (a tape rewinds, a terminal attaches).
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    return failure(error);
  }
  const before = judge(info, maxBytes);
  if (before !== undefined) return before;

  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return failure(error);
  }
  try {
    const opened = judge(await handle.stat(), maxBytes);
    if (opened !== undefined) return opened;
    const chunks: Uint8Array[] = [];
    let total = 0;
    // First the size fstat saw; then on to the end of the file, which may have grown, never past the limit + 1 byte.
    let want = Math.min(info.size, maxBytes);
    for (;;) {
      const chunk = new Uint8Array(want);
      let filled = 0;
      let ended = false;
      while (filled < chunk.length) {
        const { bytesRead } = await handle.read(chunk, filled, chunk.length - filled, null);
        if (bytesRead === 0) {
          ended = true;
          break;
        }
        filled += bytesRead;
      }
      if (filled > 0) chunks.push(filled === chunk.length ? chunk : chunk.subarray(0, filled));
      total += filled;
      if (total > maxBytes) return tooLarge(maxBytes, 'grew past the limit while being read');
      if (ended) break;
      want = Math.min(CHUNK_BYTES, maxBytes + 1 - total);
    }
    // The usual case, a file read whole in its first chunk, is returned without a copy.
    const only = chunks.length === 1 ? chunks[0] : undefined;
    return { ok: true, bytes: only !== undefined && only.byteLength === only.buffer.byteLength ? only : concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** `1 MiB`, `256 MiB`, `512 bytes`: how limits are named in messages. */
export function formatByteLimit(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20} MiB`;
  if (bytes >= 2 ** 10 && bytes % 2 ** 10 === 0) return `${bytes / 2 ** 10} KiB`;
  return `${bytes} bytes`;
}

function judge(info: Stats, maxBytes: number): FileRead | undefined {
  if (!info.isFile()) return { ok: false, problem: 'not-a-file', detail: `is ${kindOf(info)}, not a regular file` };
  if (info.size > maxBytes) return tooLarge(maxBytes, `is ${info.size} bytes`);
  return undefined;
}

function tooLarge(maxBytes: number, what: string): FileRead {
  return { ok: false, problem: 'too-large', detail: `${what}; the limit is ${formatByteLimit(maxBytes)}` };
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function failure(error: unknown): FileRead {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing', detail: 'does not exist', cause: error };
  const reason = error instanceof Error ? error.message : String(error);
  return { ok: false, problem: 'unreadable', detail: `cannot be read (${reason})`, cause: error };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
