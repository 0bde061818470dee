/** Where Theater keeps its files: `$THEATER_HOME` (default `~/.theater`) with `db/`, `cache/` and `keys/`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The directories under a Theater home. */
export interface TheaterHome {
  readonly root: string;
  readonly cacheDir: string;
  readonly dbDir: string;
  readonly keysDir: string;
}

/** Resolves the home directory: the given one, else `$THEATER_HOME`, else `~/.theater`. */
export function resolveTheaterHome(root?: string): TheaterHome {
  const dir = resolve(root ?? process.env['THEATER_HOME'] ?? join(homedir(), '.theater'));
  return { root: dir, cacheDir: join(dir, 'cache'), dbDir: join(dir, 'db'), keysDir: join(dir, 'keys') };
}
