/**
 * Finding a server: `--server <url>` / `THEATER_SERVER` and `THEATER_TOKEN` override; otherwise the home's
 * `server.json` (written by the server, mode 0600) and `server.token`. A `server.json` whose process is gone is a
 * server that is not running.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { TheaterApiError } from './theaterApiError.js';

/** Where to look for a server. */
export interface DiscoverOptions {
  /** Theater home; default `$THEATER_HOME`, else `~/.theater`. */
  readonly home?: string;
  /** The server's URL (wins over the home's `server.json` and `THEATER_SERVER`). */
  readonly server?: string;
  /** The bearer token (wins over `THEATER_TOKEN` and the home's `server.token`). */
  readonly token?: string;
  /** Environment to read `THEATER_*` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A server found. */
export interface FoundServer {
  readonly url: string;
  readonly token: string;
  /** The home it was found through (also when the URL or token came from elsewhere). */
  readonly home: string;
  /** The server's process, when its `server.json` named it. */
  readonly pid: number | undefined;
}

/** The home a client uses: `home`, else `$THEATER_HOME`, else `~/.theater` (as the kernel resolves it). */
export function clientHome(home?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = home ?? env['THEATER_HOME'];
  return resolve(given !== undefined && given !== '' ? given : join(homedir(), '.theater'));
}

/** What the home's `server.json` says, if it names a live process. */
export async function runningServer(home: string): Promise<{ url: string; pid: number; version: string } | undefined> {
  let info: { url?: unknown; pid?: unknown; version?: unknown };
  try {
    info = JSON.parse(await readFile(join(home, 'server.json'), 'utf8')) as typeof info;
  } catch {
    return undefined;
  }
  if (typeof info.url !== 'string' || typeof info.pid !== 'number' || !Number.isSafeInteger(info.pid)) return undefined;
  if (!isAlive(info.pid)) return undefined;
  return { url: info.url, pid: info.pid, version: typeof info.version === 'string' ? info.version : 'unknown' };
}

/**
 * The server to talk to, or `server-not-running` / `token-missing` (a TheaterApiError with status 0) saying how to
 * start one.
 */
export async function discoverServer(options: DiscoverOptions = {}): Promise<FoundServer> {
  const env = options.env ?? process.env;
  const home = clientHome(options.home, env);
  const explicit = options.server ?? nonEmpty(env['THEATER_SERVER']);
  const running = await runningServer(home);
  const url = explicit ?? running?.url;
  if (url === undefined) {
    throw new TheaterApiError(
      'server-not-running',
      `no server runs on ${home}: start one with \`theater server --home ${home}\` (add --resume to bring back what the last one ran)`,
      0,
    );
  }
  // The home's token goes only to the home's own server: never, in clear text, to a URL someone else named.
  const ownServer = running !== undefined && sameServer(url, running.url);
  const token = options.token ?? nonEmpty(env['THEATER_TOKEN']) ?? (ownServer ? await readToken(home) : undefined);
  if (token === undefined) {
    const why = ownServer ? `${home} has no server.token` : `the token of ${home} is sent only to its own server`;
    throw new TheaterApiError('token-missing', `no token for ${url}: give THEATER_TOKEN (${why})`, 0);
  }
  return { url, token, home, pid: running?.pid };
}

/** True when both URLs name the same origin (scheme, host, port). */
function sameServer(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

async function readToken(home: string): Promise<string | undefined> {
  try {
    return nonEmpty((await readFile(join(home, 'server.token'), 'utf8')).trim());
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
