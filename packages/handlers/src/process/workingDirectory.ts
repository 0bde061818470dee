/**
 * Where a process may run: its `cwd` is a path relative to the actor's process directory and must stay inside it.
 * Absolute paths and `..` that climb out are refused before touching the disk; then the real path (every symbolic
 * link resolved) must still be inside the directory's own real path. Messages name the actor's path, never the host's.
 *
 * The checked path is never used by name: it is opened, the handle's real location verified (a directory swapped for a
 * symlink since the check is refused), and the process started in `/proc/self/fd/<fd>` while the handle is held
 * (see confinement/verifiedHandle.ts, shared with the `filesystem` handler).
 */
import type { FileHandle } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { HostCallError, isInside } from '@theater/kernel';
import { errorCode, openVerifiedDirectory } from '../confinement/verifiedHandle.js';

/** A spawn's `cwd` after its checks by path. */
export interface CheckedDirectory {
  /** The `cwd` as the actor wrote it, for messages. */
  readonly requested: string;
  /** The real path of the process directory. */
  readonly realRoot: string;
  /** The real path `requested` names, inside `realRoot`. */
  readonly real: string;
}

/**
 * Checks `requested` (relative to `realRoot`; undefined or empty for `realRoot` itself) by path: it must name a place
 * inside `realRoot`, the process directory's real path as fixed when the actor started (never resolved again here, so
 * the directory swapped for a symlink since then leads outside and is refused).
 */
export async function checkWorkingDirectory(realRoot: string, requested: string | undefined): Promise<CheckedDirectory> {
  const root = realRoot;
  if (requested === undefined || requested === '') return { requested: '', realRoot, real: realRoot };
  if (requested.includes('\0')) throw new HostCallError('permission-denied: cwd contains a NUL byte');
  if (isAbsolute(requested))
    throw new HostCallError(`permission-denied: cwd ${requested} is absolute; give a path relative to the process directory`);
  if (!isInside(resolve(root, requested), resolve(root)))
    throw new HostCallError(`permission-denied: cwd ${requested} is outside the process directory`);
  let real: string;
  try {
    real = await realpath(resolve(realRoot, requested));
  } catch {
    throw new HostCallError(`cwd ${requested} does not exist`);
  }
  if (!isInside(real, realRoot))
    throw new HostCallError(`permission-denied: cwd ${requested} leads outside the process directory through a symbolic link`);
  return { requested, realRoot, real };
}

/** Opens the checked directory and verifies that the handle is inside the process directory; the caller closes it. */
export function openWorkingDirectory({ requested, realRoot, real }: CheckedDirectory): Promise<FileHandle> {
  const name = requested === '' ? 'the process directory' : `cwd ${requested}`;
  return openVerifiedDirectory(real, realRoot, {
    cannotOpen(error) {
      switch (errorCode(error)) {
        case 'ENOTDIR':
          return new HostCallError(`${name} is not a directory`);
        case 'ENOENT':
          return new HostCallError(`${name} does not exist`);
        case 'EACCES':
        case 'EPERM':
          return new HostCallError(`the host's file permissions do not allow opening ${name}`);
        default:
          return new HostCallError(`cannot open ${name}: ${errorCode(error) ?? String(error)}`);
      }
    },
    cannotLocate: (code) => new HostCallError(`cannot tell where ${name} is: ${code}`),
    outside: () => new HostCallError(`permission-denied: ${name} leads outside the process directory (it changed while in use)`),
  });
}

/** The directory `requested` names inside `realRoot`, checked and opened; start the process in `at(handle)`, then close it. */
export async function workingDirectory(realRoot: string, requested: string | undefined): Promise<FileHandle> {
  return openWorkingDirectory(await checkWorkingDirectory(realRoot, requested));
}
