/**
 * What `theater chain verify <file>` does, without the printing: verify the chain an exported chain file holds,
 * its signed checkpoints included, and describe the verdict as the command's `--json` output.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { isChainError, verifyChainFile } from '@theater/event-chain';
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
}

/**
 * Verifies the chain file at `file` (hashes, links, checkpoint signatures, and with `trustedKeys` their signers).
 * A failed verification is a verdict with `ok: false`; a missing, unreadable or malformed file throws a
 * {@link CommandFailure} (bad input).
 * @example
 * const verdict = await verifyChainFileAt('counter.chain', [nodePublicKey]);
 */
export async function verifyChainFileAt(file: string, trustedKeys?: readonly Uint8Array[]): Promise<ChainVerifyJson> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    // The file is read twice (checkpoints come last, events are streamed): through one handle, so both passes
    // read the same file even if the path is replaced meanwhile.
    const { header, result } = await verifyChainFile(() => handle.createReadStream({ start: 0, autoClose: false }), {
      ...(trustedKeys === undefined ? {} : { trustedKeys }),
    });
    const verdict = { file, actor: header.actor, ok: result.ok, events: header.events, checkpoints: header.checkpoints };
    return result.ok ? verdict : { ...verdict, index: result.index, reason: result.reason };
  } catch (error) {
    if (isChainError(error, 'invalid-chain-file')) {
      throw new CommandFailure(EXIT.badInput, [`${error.code}: ${file}: ${error.message}`], { error: { code: error.code, message: error.message, file } }, { cause: error });
    }
    if (isFileSystemError(error)) throw unreadable(file, error);
    throw error;
  } finally {
    await handle.close();
  }
}

function unreadable(file: string, error: unknown): unknown {
  if (!isFileSystemError(error)) return error;
  const [code, message] =
    error.code === 'ENOENT' ? ['file-not-found', `no chain file at ${file}`] : ['file-unreadable', `cannot read the chain file ${file}: ${error.message}`];
  return new CommandFailure(EXIT.badInput, [`${code}: ${message}`], { error: { code, message, file } }, { cause: error });
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
