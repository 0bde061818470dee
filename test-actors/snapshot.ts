/** A directory's whole content, to show a test that nothing under it was created, changed or removed. */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Everything under `path` with its content, to show nothing outside the root was created, changed or removed. */
export async function snapshot(path: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const name of (await readdir(path, { recursive: true })).sort()) {
    const full = join(path, name);
    entries[name] = (await lstat(full)).isDirectory() ? '<dir>' : await readFile(full, 'utf8');
  }
  return entries;
}
