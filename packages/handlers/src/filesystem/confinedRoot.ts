/**
 * The directory an actor's `filesystem` grant confines it to: the security core of the filesystem handler.
 *
 * A guest path is checked on every call, never from a cache. First by its text: it is relative to the root (`""` and
 * `.` are the root), `/` is the only separator, and `..` is resolved lexically, so `a/../b` is `b` but a `..` that
 * would climb above the root is refused, as are absolute paths, NUL bytes and backslashes (refused rather than guessed
 * at as separators). Nothing is ever percent-decoded: `%2e%2e%2f` is a file name. Then on disk: the real path of the
 * longest existing prefix must lie inside the root's real path, so a symlink that leads outside is refused (one that
 * leads nowhere is refused too: writing through it could create its target anywhere).
 *
 * Checking a path and then using it leaves a window in which a directory could be swapped for a symlink. So the
 * handler never uses a checked path by name: it opens the directory (`openDirectory`), verifies where the handle really
 * is through `/proc/self/fd/<fd>`, and reaches entries through that handle (`at`), opening the last component with
 * `O_NOFOLLOW` (see confinement/verifiedHandle.ts, shared with the `process` handler).
 */
import { constants, lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HostCallError, isInside } from '@theater/kernel';
import { at, errorCode, openVerifiedDirectory, verifyHandle, type HandleRefusals } from '../confinement/verifiedHandle.js';

/** A guest path, checked against the root. */
export interface Located {
  /** The path as the guest wrote it, for messages. */
  readonly path: string;
  /** Its segments after normalisation; empty for the root. */
  readonly segments: readonly string[];
  /** The real path of its longest existing prefix (symlinks resolved; inside the root). */
  readonly existing: string;
  /** The segments after that prefix, which do not exist; empty when the whole path exists. */
  readonly missing: readonly string[];
  /** `existing` joined with `missing`: where the path really is, or would be. */
  readonly real: string;
}

/** The checks and handle-based access of one root. */
export interface ConfinedRoot {
  /** The root's real path, resolved once when the handler was created. */
  readonly real: string;
  /** Checks `path` (text, then disk) and says where it really is; throws a `permission-denied` HostCallError if it escapes. */
  locate(path: string): Promise<Located>;
  /** Opens the directory at the real path `real` (the guest's `path`) and verifies the handle is inside the root. */
  openDirectory(real: string, path: string): Promise<FileHandle>;
  /** Opens the entry `name` of an open directory, never following a symlink there, and verifies where it is. */
  openIn(directory: FileHandle, name: string, flags: number, path: string): Promise<FileHandle>;
}

/** `permission-denied: path "<path>" <reason>`. */
export function pathDenied(path: string, reason: string): HostCallError {
  return new HostCallError(`permission-denied: path ${JSON.stringify(path)} ${reason}`);
}

/** The segments of a guest path after lexical normalisation; throws a denial for anything that is not a relative path inside the root. */
export function normalise(path: string): string[] {
  if (path.includes('\0')) throw pathDenied(path, 'contains a NUL byte');
  if (path.startsWith('/')) throw pathDenied(path, 'is absolute; paths are relative to the root');
  if (path.includes('\\')) throw pathDenied(path, 'contains a backslash; the only separator is /');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw pathDenied(path, 'leaves the root');
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments;
}

/** The errors for a guest path whose handle cannot be opened, or is not where its check said. */
function refusals(path: string): HandleRefusals {
  return {
    cannotOpen: (error) => fileError(error, path),
    cannotLocate: (code) => new HostCallError(`cannot tell where ${JSON.stringify(path)} is: ${code}`),
    outside: () => pathDenied(path, 'leads outside the root (it changed while in use)'),
  };
}

/** The root at the real path `real` (resolve it with `fs.realpath` first). */
export function createConfinedRoot(real: string): ConfinedRoot {
  return {
    real,

    async locate(path) {
      const segments = normalise(path);
      // The longest prefix that exists, from the whole path down to the root itself.
      for (let length = segments.length; length >= 0; length--) {
        const candidate = join(real, ...segments.slice(0, length));
        let existing: string;
        try {
          existing = await realpath(candidate);
        } catch (error) {
          const code = errorCode(error);
          if (code === 'ELOOP') throw pathDenied(path, 'goes through a symlink loop');
          if (code !== 'ENOENT' && code !== 'ENOTDIR')
            throw new HostCallError(`cannot reach ${JSON.stringify(path)}: ${code ?? String(error)}`);
          if (length === 0) throw new HostCallError(`the filesystem root ${real} no longer exists`);
          // The entry is there but leads nowhere: a dangling symlink, whose target could be created anywhere.
          if (
            await lstat(candidate).then(
              (stats) => stats.isSymbolicLink(),
              () => false,
            )
          ) {
            throw pathDenied(path, 'goes through a symlink to nothing');
          }
          continue;
        }
        if (!isInside(existing, real)) throw pathDenied(path, 'leads outside the root through a symlink');
        const missing = segments.slice(length);
        return { path, segments, existing, missing, real: join(existing, ...missing) };
      }
      throw new HostCallError(`the filesystem root ${real} no longer exists`);
    },

    async openDirectory(directory, path) {
      if (!isInside(directory, real)) throw pathDenied(path, 'leads outside the root');
      return openVerifiedDirectory(directory, real, refusals(path));
    },

    async openIn(directory, name, flags, path) {
      let handle: FileHandle;
      try {
        handle = await open(at(directory, name), flags | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o666);
      } catch (error) {
        throw fileError(error, path);
      }
      await verifyHandle(handle, real, refusals(path));
      return handle;
    },
  };
}

/** A HostCallError for a failed file operation on the guest path `path`. */
export function fileError(error: unknown, path: string): HostCallError {
  const quoted = JSON.stringify(path);
  switch (errorCode(error)) {
    case 'ENOENT':
      return new HostCallError(`no such file or directory ${quoted}`);
    case 'ENOTDIR':
      return new HostCallError(`${quoted} is not a directory`);
    case 'EISDIR':
      return new HostCallError(`${quoted} is a directory`);
    case 'EEXIST':
      return new HostCallError(`${quoted} already exists`);
    case 'ENOTEMPTY':
      return new HostCallError(`directory ${quoted} is not empty`);
    // O_NOFOLLOW met a symlink where the check saw none: it was swapped in since.
    case 'ELOOP':
      return pathDenied(path, 'became a symlink while in use');
    case 'EACCES':
    case 'EPERM':
      return new HostCallError(`the host's file permissions do not allow this on ${quoted}`);
    case 'ENOSPC':
      return new HostCallError(`no space left for ${quoted}`);
    case 'ENAMETOOLONG':
      return new HostCallError(`path ${quoted} is too long`);
    case 'ENXIO':
      return new HostCallError(`${quoted} is not a regular file`);
    default:
      return error instanceof HostCallError
        ? error
        : new HostCallError(`cannot use ${quoted}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
