/** Reads a WIT folder (or single file) so its content can take part in a build's cache key. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';

/** One `.wit` file: its path relative to the WIT root and its text. */
export interface WitFile {
  readonly path: string;
  readonly text: string;
}

/** Every `.wit` file under `witPath` (recursively, e.g. `deps/`), sorted by relative path. */
export async function readWitFiles(witPath: string): Promise<WitFile[]> {
  if ((await stat(witPath)).isFile()) return [{ path: basename(witPath), text: await readFile(witPath, 'utf8') }];
  const entries = await readdir(witPath, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.wit'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(paths.map(async (path) => ({ path: relative(witPath, path), text: await readFile(path, 'utf8') })));
}
