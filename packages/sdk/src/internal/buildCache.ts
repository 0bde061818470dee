/** The on-disk build cache: one `<key>.wasm` per build key, written atomically. */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** `$THEATER_HOME/cache/builds`, with `THEATER_HOME` defaulting to `~/.theater`. */
export function defaultCacheDir(): string {
  return join(resolve(process.env['THEATER_HOME'] ?? join(homedir(), '.theater')), 'cache', 'builds');
}

/** The file that holds the component built for `key`. */
export function cachedComponentPath(cacheDir: string, key: string): string {
  return join(cacheDir, `${key}.wasm`);
}

/** The cached component's bytes, or undefined when there is none. */
export async function readCachedComponent(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes `bytes` to `path` through a temporary file and a rename, so readers never see a partial file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
