/**
 * What `theater chain verify <file>` does, without the printing: verify the chain an exported chain file holds,
 * its signed checkpoints included, and describe the verdict as the command's `--json` output.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isChainError, verifyChainFile, type ChainFileSource } from '@theater/event-chain';
import { toChainVerdict } from './chainVerdict.js';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/** What `theater chain verify --json` prints: the verdict on one chain file, or on an actor's chain in a home's store. */
export interface ChainVerifyJson {
  /** The file, as given; absent when an actor's chain in a home's store was verified. */
  readonly file?: string;
  /** The home whose chain store held the chain; absent when a file was verified. */
  readonly home?: string;
  /** The actor whose chain was verified (for a file, from its header). */
  readonly actor: string;
  readonly ok: boolean;
  /** Number of events in the chain. */
  readonly events: number;
  /** Number of signed checkpoints of the chain. */
  readonly checkpoints: number;
  /** When not ok: the index of the first event (or checkpoint seq) found wrong. */
  readonly index?: number;
  /** When not ok: what is wrong there. */
  readonly reason?: string;
  /**
   * Events after the newest verified checkpoint, which no signature covers (0: the head is signed). Given when ok,
   * and when the verification failed only because the head is not signed (`--trust`).
   */
  readonly unsignedEvents?: number;
  /** When ok: true when the head is covered by a checkpoint whose signer is trusted (`--trust`, or for an actor's chain the home's node key). */
  readonly headVouched?: boolean;
}

/**
 * Verifies the chain file at `file` (hashes, links, checkpoint signatures, and with `trustedKeys` their signers and
 * a checkpoint on the head). A failed verification is a verdict with `ok: false`; a missing, unreadable or malformed
 * file throws a {@link CommandFailure} (bad input).
 * @example
 * const verdict = await verifyChainFileAt('counter.chain', [nodePublicKey]);
 */
export async function verifyChainFileAt(file: string, trustedKeys?: readonly Uint8Array[]): Promise<ChainVerifyJson> {
  return withChainFile(file, (source) => verifyChainSource(file, source, trustedKeys));
}

/** Like {@link verifyChainFileAt}, for a file already opened by {@link withChainFile}. */
export async function verifyChainSource(
  file: string,
  source: () => ChainFileSource,
  trustedKeys?: readonly Uint8Array[],
): Promise<ChainVerifyJson> {
  const { header, result, coverage } = await verifyChainFile(source, trustedKeys === undefined ? {} : { trustedKeys });
  const base = { file, actor: header.actor, events: header.events, checkpoints: header.checkpoints };
  const checked = trustedKeys !== undefined;
  return toChainVerdict(base, result, coverage, { signersChecked: checked, requireSignedHead: checked });
}

/**
 * Opens the chain file at `file` once and runs `work` with a function giving its bytes from the start (each call a
 * new pass over the same open file, so every pass reads the same file even if the path is replaced meanwhile).
 * A missing or unreadable file, and a malformed one (`invalid-chain-file` from any pass), throw a
 * {@link CommandFailure} (bad input).
 */
export async function withChainFile<T>(file: string, work: (source: () => ChainFileSource) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    // Non-blocking, so a FIFO cannot hold the command waiting for a writer; only a regular file is read.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    if (!(await handle.stat()).isFile()) {
      const message = `${file} is not a regular file`;
      throw new CommandFailure(EXIT.badInput, [`file-unreadable: ${message}`], { error: { code: 'file-unreadable', message, file } });
    }
    return await work(() => chunksOf(handle, file));
  } catch (error) {
    if (isChainError(error, 'invalid-chain-file')) {
      throw new CommandFailure(
        EXIT.badInput,
        [`${error.code}: ${file}: ${error.message}`],
        { error: { code: error.code, message: error.message, file } },
        { cause: error },
      );
    }
    throw error;
  } finally {
    await handle.close();
  }
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The file's bytes from the start, by positional reads: any number of passes over one handle, each stopping where
 * it likes (a read stream over a shared handle, closed before its end, breaks the next one).
 */
async function* chunksOf(handle: FileHandle, file: string): AsyncGenerator<Uint8Array> {
  for (let position = 0; ; ) {
    const buffer = new Uint8Array(CHUNK_BYTES);
    // Only the file's own read errors are the file's: other file-system errors of the work (the component cache's)
    // are not reported as an unreadable chain file.
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position).catch((error: unknown) => {
      throw unreadable(file, error);
    });
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

function unreadable(file: string, error: unknown): unknown {
  if (!isFileSystemError(error)) return error;
  const [code, message] =
    error.code === 'ENOENT'
      ? ['file-not-found', `no chain file at ${file}`]
      : ['file-unreadable', `cannot read the chain file ${file}: ${error.message}`];
  return new CommandFailure(EXIT.badInput, [`${code}: ${message}`], { error: { code, message, file } }, { cause: error });
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}
