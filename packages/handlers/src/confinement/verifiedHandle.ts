/**
 * Handles whose real location is verified: the shared core of every handler that confines an actor to a directory
 * (`filesystem`, `process`).
 *
 * Checking a path and then using it by name leaves a window in which a directory of the path could be swapped for a
 * symlink. So a checked path is opened once and then used only through its handle: where the handle really is comes
 * from `/proc/self/fd/<fd>`, which names the object it was opened on, whatever happens to the path afterwards, and
 * `/proc/self/fd/<fd>` (`at`) reaches that object by handle — also as a child's working directory, which the kernel
 * resolves in the child while the parent still holds the handle.
 */
import { constants, open, realpath, type FileHandle } from 'node:fs/promises';
import { isInside, type HostCallError } from '@theater/kernel';

/** A path that reaches the open `directory` (or its entry `name`), resolved by the kernel from the handle, not by name. */
export function at(directory: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${directory.fd}` : `/proc/self/fd/${directory.fd}/${name}`;
}

/** The `code` of a Node system error (`ENOENT`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The errors a handler gives, in its own words, when a handle cannot be opened or verified. */
export interface HandleRefusals {
  /** Opening failed (`ENOENT`, `ENOTDIR`…). */
  cannotOpen(error: unknown): HostCallError;
  /** Where the handle is could not be read (the error's code). */
  cannotLocate(code: string): HostCallError;
  /** The handle is outside the root: something was swapped for a symlink since the check. */
  outside(): HostCallError;
}

/** Verifies that the open `handle` really is inside the real path `root`; otherwise closes it and throws. */
export async function verifyHandle(handle: FileHandle, root: string, refusals: HandleRefusals): Promise<void> {
  let where: string;
  try {
    where = await realpath(at(handle));
  } catch (cause) {
    await handle.close();
    throw refusals.cannotLocate(errorCode(cause) ?? String(cause));
  }
  if (!isInside(where, root)) {
    await handle.close();
    throw refusals.outside();
  }
}

/** Opens the directory at the checked real path `real` and verifies that the handle is inside the real path `root`. */
export async function openVerifiedDirectory(real: string, root: string, refusals: HandleRefusals): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    throw refusals.cannotOpen(error);
  }
  await verifyHandle(handle, root, refusals);
  return handle;
}
