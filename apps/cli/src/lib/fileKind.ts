/** Whether a path is a file or a directory (false for anything missing or unreadable), or there at all. */
import { stat } from 'node:fs/promises';

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** False only when nothing is at `path`; any other problem (a permission) is left for whoever opens it to report. */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}
