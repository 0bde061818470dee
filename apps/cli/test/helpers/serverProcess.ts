/** `theater server` as a child process for end-to-end tests: started, found through its server.json, stopped or killed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onTestFinished } from 'vitest';
import { theaterNodeArgs } from './theaterProcess.js';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  /** Everything the process wrote so far. */
  output(): string;
  /** Calls a JSON route with the token; resolves with the status and parsed body. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: object): Promise<{ status: number; body: T }>;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `theater server --home <home> ...extra` and resolves once its server.json names it and (without `--json`) its
 * startup lines have arrived: server.json is written before those lines, and the pipe delivers them later. The process
 * is killed when the test ends, also when the test fails before it stops it.
 */
/** The last line `theater server` prints once it serves. */
const STARTUP_LAST_LINE = 'Ctrl-C stops it';

export async function startServerProcess(home: string, extra: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...theaterNodeArgs(), 'server', '--home', home, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  onTestFinished(() => {
    if (!done) child.kill('SIGKILL');
  });
  for (let waited = 0; ; waited += 50) {
    const info = await readFile(join(home, 'server.json'), 'utf8').then(
      (text) => JSON.parse(text) as { url: string; pid: number },
      () => undefined,
    );
    const announced = extra.includes('--json') || output.includes(STARTUP_LAST_LINE);
    if (info !== undefined && info.pid === child.pid && announced) {
      const token = (await readFile(join(home, 'server.token'), 'utf8')).trim();
      return {
        child,
        url: info.url,
        token,
        output: () => output,
        async api<T>(method: string, path: string, body?: object) {
          const response = await fetch(`${info.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return { status: response.status, body: (await response.json()) as T };
        },
        async stop(signal = 'SIGTERM') {
          if (!done) child.kill(signal);
          return exited;
        },
      };
    }
    if (done || waited > 120_000) throw new Error(`theater server did not start:\n${output}`);
    await sleep(50);
  }
}
