/** Where Theater keeps its files: `$THEATER_HOME` (default `~/.theater`) with `db/`, `chain-log/`, `cache/` and `keys/`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The directories under a Theater home. */
export interface TheaterHome {
  readonly root: string;
  readonly cacheDir: string;
  /** The chain store's level database: the index of the chain log. */
  readonly dbDir: string;
  /** The chain log every persisted event is appended to first (see `openChainStore`'s `log` option). */
  readonly chainLogDir: string;
  readonly keysDir: string;
}

/** Resolves the home directory: the given one, else `$THEATER_HOME`, else `~/.theater`. */
export function resolveTheaterHome(root?: string): TheaterHome {
  const dir = resolve(root ?? process.env['THEATER_HOME'] ?? join(homedir(), '.theater'));
  return {
    root: dir,
    cacheDir: join(dir, 'cache'),
    dbDir: join(dir, 'db'),
    chainLogDir: join(dir, 'chain-log'),
    keysDir: join(dir, 'keys'),
  };
}
