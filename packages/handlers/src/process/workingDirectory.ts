/**
 * Where a process may run: its `cwd` is a path relative to the actor's process directory and must stay inside it.
 * Absolute paths and `..` that climb out are refused before touching the disk; then the real path (every symbolic
 * link resolved) must still be inside the directory's own real path, and the process is started in that real path,
 * not in the path the actor wrote. Messages name the actor's path, never the host's.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HostCallError } from '@theater/kernel';

/** The real directory `requested` (relative to `root`; undefined or empty for `root` itself) names inside `root`. */
export async function workingDirectory(root: string, requested: string | undefined): Promise<string> {
  const realRoot = await realpath(root);
  if (requested === undefined || requested === '') return realRoot;
  if (requested.includes('\0')) throw new HostCallError('permission-denied: cwd contains a NUL byte');
  if (isAbsolute(requested)) throw new HostCallError(`permission-denied: cwd ${requested} is absolute; give a path relative to the process directory`);
  if (!inside(resolve(root, requested), resolve(root))) throw new HostCallError(`permission-denied: cwd ${requested} is outside the process directory`);
  let real: string;
  try {
    real = await realpath(resolve(realRoot, requested));
  } catch {
    throw new HostCallError(`cwd ${requested} does not exist`);
  }
  if (!inside(real, realRoot)) throw new HostCallError(`permission-denied: cwd ${requested} leads outside the process directory through a symbolic link`);
  if (!(await stat(real)).isDirectory()) throw new HostCallError(`cwd ${requested} is not a directory`);
  return real;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
