/**
 * What `theater chain export` does, without the printing: write an actor's chain from the Theater home's store (or
 * from the server running on the home) to a chain file, atomically (a temporary file in the same directory, synced, then renamed over the target).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { readChainFile } from '@theater/event-chain';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { serverOnHome } from './serverConnection.js';
import { withStoredActor } from './storedActor.js';

/** What `theater chain export --json` prints. */
export interface ChainExportJson {
  readonly actor: string;
  /** The chain file written, absolute. */
  readonly path: string;
  /** Number of events in the file. */
  readonly events: number;
  /** Number of signed checkpoints in the file. */
  readonly checkpoints: number;
  /** Size of the file in bytes. */
  readonly bytes: number;
}

/** Options of {@link exportChainTo}. */
export interface ExportChainOptions {
  /** Theater home; default `$THEATER_HOME`, else `~/.theater`. */
  readonly home: string | undefined;
  /** The actor's id, or a unique prefix of it. */
  readonly actorId: string;
  /** The chain file to write. */
  readonly output: string;
  /** Replace `output` when it exists (else that is refused). */
  readonly force: boolean;
}

/**
 * Exports the chain of `actorId` to `output`. Readers of `output` see the previous file or the whole new one, never
 * a part. Refusals (an existing file without `force`, a directory, an unwritable place, an unknown actor) throw a
 * {@link CommandFailure} (bad input), leaving nothing behind.
 * @example
 * const { events, bytes } = await exportChainTo({ home: undefined, actorId, output: 'counter.chain', force: false });
 */
export async function exportChainTo(options: ExportChainOptions): Promise<ChainExportJson> {
  const path = resolve(options.output);
  await checkTarget(path, options.force);
  // While a server runs on the home, the store is its: the chain comes from it.
  const client = await serverOnHome(options.home);
  if (client !== undefined) return writeChainFile(path, options.force, client.chain.export(options.actorId));
  return withStoredActor({ home: options.home, actorId: options.actorId }, async (system, actorId) =>
    writeChainFile(path, options.force, system.exportChain(actorId)),
  );
}

/** Writes `chunks` (a chain file) to `path` atomically, and describes what was written (the actor from its header). */
async function writeChainFile(path: string, force: boolean, chunks: AsyncIterable<Uint8Array>): Promise<ChainExportJson> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    const handle = await open(temp, 'wx').catch((error: unknown) => {
      throw unwritable(path, error);
    });
    try {
      for await (const chunk of chunks) {
        await handle.write(chunk);
        bytes += chunk.byteLength;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { actor, events, checkpoints } = await readHeader(temp);
    // Checked again: the file may have appeared while the chain was being written.
    await checkTarget(path, force);
    await rename(temp, path).catch((error: unknown) => {
      throw unwritable(path, error);
    });
    return { actor, path, events, checkpoints, bytes };
  } finally {
    await rm(temp, { force: true });
  }
}

async function checkTarget(path: string, force: boolean): Promise<void> {
  const existing = await stat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unwritable(path, error);
  });
  if (existing === undefined) return;
  if (existing.isDirectory()) throw refusal('output-is-directory', `${path} is a directory: name the chain file to write`, path);
  if (!force) throw refusal('file-exists', `${path} already exists (--force replaces it)`, path);
}

async function readHeader(file: string): Promise<{ actor: string; events: number; checkpoints: number }> {
  await using reader = readChainFile(createReadStream(file));
  return reader.header();
}

function unwritable(path: string, error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as NodeJS.ErrnoException).syscall !== 'string') return error;
  // The system's message names the temporary file; say what it means for the file asked for.
  const { code } = error as NodeJS.ErrnoException;
  const why =
    code === 'ENOENT'
      ? `no directory ${dirname(path)}`
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : (code ?? error.message);
  return refusal('file-unwritable', `cannot write ${path}: ${why}`, path, error);
}

function refusal(code: string, message: string, path: string, cause?: unknown): CommandFailure {
  return new CommandFailure(
    EXIT.badInput,
    [`${code}: ${message}`],
    { error: { code, message, path } },
    cause === undefined ? undefined : { cause },
  );
}
