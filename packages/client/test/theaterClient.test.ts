/** Finding a server (`discoverServer`, `TheaterClient.connect`): the home's files, the overrides, stale and wrong ones. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { TheaterApiError, TheaterClient, clientHome, discoverServer, runningServer } from '../src/index.js';

let temp: string;
let home: string;
let server: TheaterServer;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'theater-client-connect-'));
  home = join(temp, 'home');
  server = await startTheaterServer({ home });
});
afterAll(async () => {
  await server?.close();
  await rm(temp, { recursive: true, force: true });
});

/** An environment without the caller's THEATER_* variables. */
const env = (vars: Record<string, string> = {}): Record<string, string> => ({ PATH: process.env['PATH'] ?? '', ...vars });

async function rejection(call: Promise<unknown>): Promise<TheaterApiError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TheaterApiError);
  return error as TheaterApiError;
}

describe('discoverServer', () => {
  it("finds the server through the home's server.json and server.token", async () => {
    expect(await discoverServer({ home, env: env() })).toEqual({ url: server.url, token: server.token, home, pid: process.pid });
    expect(await discoverServer({ env: env({ THEATER_HOME: home }) })).toMatchObject({ url: server.url, token: server.token, home });
    expect(await runningServer(home)).toEqual({ url: server.url, pid: process.pid, version: '0.1.0' });
  });

  it('says server-not-running, and how to start one, for a home without a server or with a stale server.json', async () => {
    const empty = join(temp, 'empty');
    const none = await rejection(discoverServer({ home: empty, env: env() }));
    expect(none).toMatchObject({ code: 'server-not-running', status: 0 });
    expect(none.message).toBe(
      `no server runs on ${empty}: start one with \`theater server --home ${empty}\` (add --resume to bring back what the last one ran)`,
    );

    const stale = await mkdtemp(join(temp, 'stale-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(join(stale, 'server.json'), JSON.stringify({ url: server.url, pid: dead, version: '0.1.0' }));
    await writeFile(join(stale, 'server.token'), `${server.token}\n`);
    expect(await runningServer(stale)).toBeUndefined();
    expect(await rejection(discoverServer({ home: stale, env: env() }))).toMatchObject({ code: 'server-not-running' });

    await writeFile(join(stale, 'server.json'), '{ not json');
    expect(await rejection(discoverServer({ home: stale, env: env() }))).toMatchObject({ code: 'server-not-running' });
  });

  it('takes THEATER_SERVER and THEATER_TOKEN over the home, and options over both', async () => {
    const elsewhere = join(temp, 'elsewhere');
    const fromEnv = await discoverServer({ home: elsewhere, env: env({ THEATER_SERVER: server.url, THEATER_TOKEN: server.token }) });
    expect(fromEnv).toEqual({ url: server.url, token: server.token, home: elsewhere, pid: undefined });
    const fromOptions = await discoverServer({
      home,
      server: 'http://127.0.0.1:9',
      token: 'given',
      env: env({ THEATER_SERVER: server.url, THEATER_TOKEN: 'env' }),
    });
    expect(fromOptions).toMatchObject({ url: 'http://127.0.0.1:9', token: 'given' });
    // The home's own server named by URL gets the home's token; any other URL does not.
    expect(await discoverServer({ home, env: env({ THEATER_SERVER: server.url }) })).toMatchObject({
      url: server.url,
      token: server.token,
    });
    const other = await rejection(discoverServer({ home, env: env({ THEATER_SERVER: 'http://127.0.0.1:9' }) }));
    expect(other).toMatchObject({ code: 'token-missing', message: expect.stringContaining('sent only to its own server') });
    // Empty variables count as unset.
    expect(await discoverServer({ home, env: env({ THEATER_SERVER: '', THEATER_TOKEN: '' }) })).toMatchObject({
      url: server.url,
      token: server.token,
    });
  });

  it('says token-missing when a URL is given but no token is anywhere', async () => {
    const error = await rejection(discoverServer({ home: join(temp, 'tokenless'), server: server.url, env: env() }));
    expect(error).toMatchObject({ code: 'token-missing', status: 0 });
    expect(error.message).toMatch(/THEATER_TOKEN/u);
  });
});

describe('clientHome', () => {
  it('is the given home, else $THEATER_HOME, else ~/.theater, made absolute', () => {
    expect(clientHome('rel/home', env())).toBe(join(process.cwd(), 'rel/home'));
    expect(clientHome(undefined, env({ THEATER_HOME: '/srv/theater' }))).toBe('/srv/theater');
    expect(clientHome(undefined, env({ THEATER_HOME: '' }))).toBe(join(homedir(), '.theater'));
  });
});

describe('TheaterClient.connect', () => {
  it("connects to the home's server and calls it", async () => {
    const client = await TheaterClient.connect({ home, env: env() });
    expect(client.url).toBe(server.url);
    expect(await client.health()).toMatchObject({
      ok: true,
      version: '0.1.0',
      pid: process.pid,
      home,
      actors: server.system.list().length,
    });
    const openapi = await client.openapi();
    expect(openapi).toMatchObject({ openapi: expect.stringMatching(/^3\./u), info: { title: 'Theater operator API' } });
  });

  it('throws unauthorized (401) with the request id for a wrong token, and the server runs nothing', async () => {
    const client = await TheaterClient.connect({ home, token: 'wrong', env: env() });
    const running = server.system.list().length;
    const error = await rejection(client.actors.start({ path: '/nowhere.toml' }));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, name: 'TheaterApiError' });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/u);
    expect(server.system.list()).toHaveLength(running);
    const fromEnv = await TheaterClient.connect({ home, env: env({ THEATER_TOKEN: 'also-wrong' }) });
    expect(await rejection(fromEnv.health())).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('rejects with server-not-running when nothing answers at the URL', async () => {
    // A port that was just free: nothing listens there now.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = await TheaterClient.connect({ server: `http://127.0.0.1:${port}`, token: 'x', env: env() });
    const error = await rejection(client.health());
    expect(error).toMatchObject({ code: 'server-not-running', status: 0 });
    expect(error.message).toContain(`no server answers at http://127.0.0.1:${port}`);
  });

  it('gives up with client-timeout after timeoutMs', async () => {
    // A listening socket that never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = await TheaterClient.connect({ server: `http://127.0.0.1:${port}`, token: 'x', timeoutMs: 200, env: env() });
      expect(await rejection(client.health())).toMatchObject({ code: 'client-timeout', status: 0 });
    } finally {
      silent.close();
    }
  });
});
