/** A real server on a temp home for one test file, and a JSON call helper for its routes. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTheaterServer, type TheaterServer, type TheaterServerOptions } from '../../src/index.js';

/** A route's answer. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A call: its body (JSON, or raw text), its token (default the server's; null for none) and extra headers. */
export interface CallOptions {
  readonly body?: string | object;
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export interface TestServer {
  /** The server, once `beforeAll` has started it. */
  readonly server: () => TheaterServer;
  readonly home: () => string;
  /** Calls a route with the token and parses the JSON answer. */
  readonly api: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
}

/** Starts a server before the file's tests and closes it (and removes its home) after them. */
export function useTestServer(name: string, options: Omit<TheaterServerOptions, 'home'> = {}): TestServer {
  let home: string;
  let server: TheaterServer | undefined;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), `theater-${name}-`));
    server = await startTheaterServer({ ...options, home });
  });
  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });
  const running = (): TheaterServer => {
    if (server === undefined) throw new Error('the test server has not started');
    return server;
  };
  return {
    server: running,
    home: () => home,
    async api(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const token = call.token === undefined ? running().token : call.token;
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      let body: string | undefined;
      if (call.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      }
      const response = await fetch(`${running().url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}
