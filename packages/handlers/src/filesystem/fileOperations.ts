/**
 * The file functions of the `filesystem` handler, on a confined root. Every function locates its path afresh, then
 * works only through directory handles verified to be inside the root (see confinedRoot.ts). Deleting a tree walks it
 * through handles too, never following a symlink, so nothing outside the root is read, written or removed even when
 * the tree changes meanwhile.
 */
import { constants, lstat, mkdir, open, readdir, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { HostCallError } from '@theater/kernel';
import { at, errorCode } from '../confinement/verifiedHandle.js';
import { fileError, pathDenied, type ConfinedRoot, type Located } from './confinedRoot.js';

/** The largest file `read-file` returns and `write-file` writes. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The functions of `theater:simple/filesystem` except execute-command, in jco's JS mapping. */
export interface FileOperations {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, content: string): Promise<void>;
  listFiles(path: string): Promise<string[]>;
  deleteFile(path: string): Promise<void>;
  createDir(path: string): Promise<void>;
  deleteDir(path: string): Promise<void>;
  pathExists(path: string): Promise<boolean>;
}

const quote = (path: string): string => JSON.stringify(path);

/** A directory entry opened as a directory, failing (rather than following) if it is a symlink. */
const DIRECTORY_NOFOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** The guest path of `located`'s parent. */
function parentOf(located: Located): string {
  return located.segments.slice(0, -1).join('/');
}

/** Runs `use`, then closes `handle`; file errors become messages about `path`. */
async function closing<T>(handle: FileHandle, path: string, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (error) {
    throw fileError(error, path);
  } finally {
    await handle.close();
  }
}

/** Removes every entry of the open directory, depth first, through handles: symlinks are removed, never followed. */
async function emptyDirectory(directory: FileHandle): Promise<void> {
  for (const entry of await readdir(at(directory), { withFileTypes: true })) {
    if (entry.isDirectory()) {
      // Had the entry been swapped for a symlink since the listing, O_NOFOLLOW fails instead of following it.
      const child = await open(at(directory, entry.name), DIRECTORY_NOFOLLOW);
      try {
        await emptyDirectory(child);
      } finally {
        await child.close();
      }
      await rmdir(at(directory, entry.name));
    } else {
      await unlink(at(directory, entry.name));
    }
  }
}

/** The file functions on `root`. */
export function createFileOperations(root: ConfinedRoot): FileOperations {
  /** Locates `path`, which must exist (else `<missing> "<path>"`). */
  const locateExisting = async (path: string, missing: string): Promise<Located> => {
    const located = await root.locate(path);
    if (located.missing.length > 0) throw new HostCallError(`${missing} ${quote(path)}`);
    return located;
  };

  /** Opens the directory holding the entry `located` names: its own symlink, if it is one, is not followed. */
  const openEntryParent = async (located: Located): Promise<FileHandle> => {
    const parent = await root.locate(parentOf(located));
    return root.openDirectory(parent.real, parent.path);
  };

  /** Opens the file `located` really names (the root is a directory) through its verified parent, with `flags`. */
  const openFile = async (located: Located, flags: number): Promise<FileHandle> => {
    const { path, real } = located;
    if (real === root.real) throw new HostCallError(`${quote(path)} is a directory`);
    const directory = await root.openDirectory(dirname(real), parentOf(located));
    return closing(directory, path, () => root.openIn(directory, basename(real), flags, path));
  };

  return {
    async readFile(path) {
      const located = await locateExisting(path, 'no such file');
      // O_NONBLOCK: opening a FIFO must not hang the actor; anything but a regular file is refused below.
      const file = await openFile(located, constants.O_RDONLY | constants.O_NONBLOCK);
      return closing(file, path, async () => {
        const stats = await file.stat();
        if (stats.isDirectory()) throw new HostCallError(`${quote(path)} is a directory`);
        if (!stats.isFile()) throw new HostCallError(`${quote(path)} is not a regular file`);
        if (stats.size > MAX_FILE_BYTES)
          throw new HostCallError(`${quote(path)} is ${stats.size} bytes, more than read-file's limit of ${MAX_FILE_BYTES}`);
        // One byte past the size, so that reaching the end needs no second buffer unless the file grew meanwhile.
        let buffer = new Uint8Array(Math.min(stats.size, MAX_FILE_BYTES) + 1);
        let length = 0;
        for (;;) {
          if (length === buffer.length) {
            // It grew while being read: read on to its end (or past the limit), never returning it cut short.
            const larger = new Uint8Array(Math.min(buffer.length * 2, MAX_FILE_BYTES + 1));
            larger.set(buffer);
            buffer = larger;
          }
          const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
          if (bytesRead === 0) return buffer.subarray(0, length);
          length += bytesRead;
          if (length > MAX_FILE_BYTES) throw new HostCallError(`${quote(path)} grew past read-file's limit of ${MAX_FILE_BYTES} bytes`);
        }
      });
    },

    async writeFile(path, content) {
      const bytes = Buffer.from(content, 'utf8');
      if (bytes.length > MAX_FILE_BYTES)
        throw new HostCallError(`content of ${bytes.length} bytes is more than write-file's limit of ${MAX_FILE_BYTES}`);
      const located = await root.locate(path);
      if (located.missing.length > 1) throw new HostCallError(`no such directory ${quote(parentOf(located))}`);
      // No O_TRUNC: the file is emptied only once its handle is known to be inside the root.
      const file = await openFile(located, constants.O_WRONLY | constants.O_CREAT | constants.O_NONBLOCK);
      await closing(file, path, async () => {
        if (!(await file.stat()).isFile()) throw new HostCallError(`${quote(path)} is not a regular file`);
        await file.truncate(0);
        await file.writeFile(bytes);
      });
    },

    async listFiles(path) {
      const located = await locateExisting(path, 'no such directory');
      const directory = await root.openDirectory(located.real, path);
      return closing(directory, path, async () => (await readdir(at(directory))).sort());
    },

    async deleteFile(path) {
      const located = await locateExisting(path, 'no such file');
      const name = located.segments.at(-1);
      if (name === undefined) throw new HostCallError(`${quote(path)} is the root, a directory`);
      // The entry itself goes, as with `rm`: a symlink is removed, its target stays.
      const directory = await openEntryParent(located);
      await closing(directory, path, async () => {
        if ((await lstat(at(directory, name))).isDirectory()) throw new HostCallError(`${quote(path)} is a directory; use delete-dir`);
        await unlink(at(directory, name));
      });
    },

    async createDir(path) {
      const located = await root.locate(path);
      // Like `mkdir -p`: missing parents are created, and an existing directory is fine.
      let directory = await root.openDirectory(
        located.existing,
        located.segments.slice(0, located.segments.length - located.missing.length).join('/'),
      );
      try {
        for (const name of located.missing) {
          await mkdir(at(directory, name)).catch((error: unknown) => {
            // Created meanwhile by someone else: opening it below checks it is a directory.
            if (errorCode(error) !== 'EEXIST') throw error;
          });
          const next = await open(at(directory, name), DIRECTORY_NOFOLLOW);
          await directory.close();
          directory = next;
        }
      } catch (error) {
        throw fileError(error, path);
      } finally {
        await directory.close();
      }
    },

    async deleteDir(path) {
      const located = await locateExisting(path, 'no such directory');
      const name = located.segments.at(-1);
      if (name === undefined) throw pathDenied(path, 'is the root, which cannot be deleted');
      const directory = await openEntryParent(located);
      await closing(directory, path, async () => {
        const stats = await lstat(at(directory, name));
        if (stats.isSymbolicLink()) throw new HostCallError(`${quote(path)} is a symlink, not a directory; use delete-file`);
        if (!stats.isDirectory()) throw new HostCallError(`${quote(path)} is not a directory`);
        const target = await open(at(directory, name), DIRECTORY_NOFOLLOW);
        try {
          await emptyDirectory(target);
        } finally {
          await target.close();
        }
        await rmdir(at(directory, name));
      });
    },

    async pathExists(path) {
      return (await root.locate(path)).missing.length === 0;
    },
  };
}
