/**
 * The files a server keeps in its home: `server.token` (the bearer token every request must carry) and `server.json`
 * (`{ url, pid, version }`, how clients find it). Both are mode 0600: the token is a password, and the file naming the
 * server lets a local process reach it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isKernelError, type ActorSystem } from '@theater/kernel';
import { ServerError } from './serverError.js';

/** What `server.json` holds. */
export interface ServerInfo {
  readonly url: string;
  readonly pid: number;
  readonly version: string;
}

const TOKEN_FILE = 'server.token';
const INFO_FILE = 'server.json';
const OWNER_ONLY = 0o600;

/** The home's token, generated (32 random bytes, base64url) on first use; its file is kept at mode 0600. */
export async function serverToken(home: string): Promise<string> {
  const path = join(home, TOKEN_FILE);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined && existing.trim() !== '') {
    await chmod(path, OWNER_ONLY);
    return existing.trim();
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(home, { recursive: true });
  await writeOwnerOnly(path, `${token}\n`);
  return token;
}

/** The home's `server.json`, or undefined when there is none (or it does not parse). */
export async function readServerInfo(home: string): Promise<ServerInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(home, INFO_FILE), 'utf8')) as Partial<ServerInfo>;
    if (typeof info.url !== 'string' || typeof info.pid !== 'number' || typeof info.version !== 'string') return undefined;
    return { url: info.url, pid: info.pid, version: info.version };
  } catch {
    return undefined;
  }
}

/** Writes `server.json` for this server (which holds the home's lock: any file already there is stale). */
export async function claimServerInfo(home: string, info: ServerInfo): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeOwnerOnly(join(home, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Takes the home's lock: opens its chain store, whose lock only one process holds. Refused with `server-running`
 * (naming the server its server.json names, when that process lives) or `home-in-use` (another process, such as
 * `theater run`, holds it).
 */
export async function lockHome(system: ActorSystem, home: string): Promise<void> {
  try {
    await system.chainStore();
  } catch (error) {
    if (!isKernelError(error, 'chain-store-unavailable')) throw error;
    const current = await readServerInfo(home);
    if (current !== undefined && isAlive(current.pid)) {
      throw new ServerError('server-running', `a server (pid ${current.pid}) already runs on ${home} at ${current.url}`, 409, {
        cause: error,
      });
    }
    throw new ServerError('home-in-use', `another process holds the chain store of ${home} (a theater run?): ${error.message}`, 409, {
      cause: error,
    });
  }
}

/** Removes `server.json` when it still names `pid` (a clean exit). */
export async function releaseServerInfo(home: string, pid: number): Promise<void> {
  const current = await readServerInfo(home);
  if (current?.pid === pid) await rm(join(home, INFO_FILE), { force: true });
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

/** Writes through a temporary file created at mode 0600 and a rename, so the content is never readable by others. */
async function writeOwnerOnly(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: OWNER_ONLY });
  await chmod(temporary, OWNER_ONLY);
  await rename(temporary, path);
}
