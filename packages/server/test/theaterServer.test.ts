import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { readServerInfo, startTheaterServer, type ActorView, type TheaterServer } from '../src/index.js';

let home: string;
let server: TheaterServer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-server-test-'));
  server = await startTheaterServer({ home, bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

async function api(
  method: string,
  path: string,
  options: { body?: string | object; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

const echoToml = (name: string): string =>
  `name = "${name}"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent('echo'))}\n\n[[handler]]\ntype = "runtime"\n\n[[handler]]\ntype = "message-server"\n`;

describe('the server files', () => {
  it('keeps the token and server.json readable by the owner only, and server.json names this server', async () => {
    expect((await stat(join(home, 'server.token'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'server.json'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(home, 'server.token'), 'utf8')).trim()).toBe(server.token);
    expect(await readServerInfo(home)).toEqual({ url: server.url, pid: process.pid, version: '0.1.0' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
  });

  it('refuses a second server on a home whose server runs, and replaces a stale server.json', async () => {
    await expect(startTheaterServer({ home })).rejects.toMatchObject({
      code: 'server-running',
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    expect(await readServerInfo(home)).toEqual({ url: server.url, pid: process.pid, version: '0.1.0' });
    const other = await mkdtemp(join(tmpdir(), 'theater-server-stale-'));
    // A live process that is not a server (a pid reused after a crash): the home's lock is free, so the file is stale.
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(join(other, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:1', pid: live.pid, version: '0.1.0' }));
      const fresh = await startTheaterServer({ home: other });
      expect((await readServerInfo(other))?.url).toBe(fresh.url);
      await fresh.close();
      expect(await readServerInfo(other)).toBeUndefined();
      // A pid that surely ended: a child that has exited.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      await writeFile(join(other, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:1', pid: dead, version: '0.0.0' }));
      const again = await startTheaterServer({ home: other });
      expect((await readServerInfo(other))?.url).toBe(again.url);
      await again.close();
    } finally {
      live.kill();
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('authentication', () => {
  it('answers 401 without the token or with a wrong one, on every route, and starts nothing', async () => {
    for (const token of [null, 'wrong', `${server.token}x`]) {
      for (const [method, path, body] of [
        ['GET', '/v1/actors'],
        ['POST', '/v1/actors', { path: testActorManifest('echo') }],
        ['GET', '/v1/health'],
        ['GET', '/nowhere'],
      ] as const) {
        const answer = await api(method, path, { token, ...(body === undefined ? {} : { body }) });
        expect(answer.status, `${method} ${path} with ${String(token)}`).toBe(401);
        expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
      }
    }
    expect(server.system.list()).toEqual([]);
  });

  it('answers 403 to a request from another origin, even with the token', async () => {
    const answer = await api('POST', '/v1/actors', {
      body: { path: testActorManifest('echo') },
      headers: { origin: 'http://evil.example' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'forbidden-origin' } });
    expect(server.system.list()).toEqual([]);
  });
});

/** Sends a raw upgrade request without a token; resolves with the answer once the server has closed the socket. */
async function refusedUpgrade(path: string): Promise<string> {
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  await once(socket, 'close');
  return answer;
}

describe('refused WebSocket upgrades', () => {
  it('are answered and their sockets closed by the server, also when the router itself refuses them', async () => {
    expect(await refusedUpgrade('/v1/session')).toMatch(/^HTTP\/1\.1 401 /u);
    expect(await refusedUpgrade('/v1/nowhere')).toMatch(/^HTTP\/1\.1 401 /u);
    expect(await refusedUpgrade(`/v1/actors/${'a'.repeat(120)}/channel`)).toMatch(/^HTTP\/1\.1 414 /u);
    expect(await refusedUpgrade('/v1/actors/%E0%A4%A/channel')).toMatch(/^HTTP\/1\.1 400 /u);
  });
});

describe('requests', () => {
  it('echoes x-request-id, and makes one when none is given', async () => {
    const given = await api('GET', '/v1/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const made = await api('GET', '/v1/health');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/u);
    expect(made.body).toMatchObject({ ok: true, version: '0.1.0', actors: 0 });
  });

  it('answers every failure with { error: { code, message }, requestId } and a fitting status', async () => {
    const malformed = await api('POST', '/v1/actors', { body: '{"path": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'invalid-request' }, requestId: expect.any(String) });
    const tooLarge = await api('POST', '/v1/actors', { body: { toml: 'x'.repeat(100 * 1024) } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ error: { code: 'payload-too-large' } });
    const both = await api('POST', '/v1/actors', { body: { path: 'a.toml', toml: 'name = "x"' } });
    expect(both.status).toBe(400);
    const unknownKey = await api('POST', '/v1/actors', { body: { path: 'a.toml', extra: true } });
    expect(unknownKey.status).toBe(400);
    const badManifest = await api('POST', '/v1/actors', { body: { toml: 'name = "x"\n' } });
    expect(badManifest.status).toBe(400);
    expect(badManifest.body).toMatchObject({ error: { code: 'invalid-manifest', problems: expect.any(Array) } });
    const unknownActor = await api('GET', '/v1/actors/no-such-actor');
    expect(unknownActor.status).toBe(404);
    expect(unknownActor.body).toMatchObject({ error: { code: 'actor-not-found' } });
    const unknownRoute = await api('GET', '/v1/nowhere');
    expect(unknownRoute.status).toBe(404);
    expect(server.system.list()).toEqual([]);
  });
});

describe('/v1/actors', () => {
  it('starts an actor from a manifest path, lists it, shows it and stops it', async () => {
    const started = await api('POST', '/v1/actors', { body: { path: testActorManifest('echo') } });
    expect(started.status).toBe(201);
    const actor = started.body['actor'] as ActorView;
    expect(actor).toMatchObject({ name: 'echo', status: 'running', componentHash: expect.stringMatching(/^[0-9a-f]{64}$/u) });
    const listed = (await api('GET', '/v1/actors')).body['actors'] as ActorView[];
    expect(listed.map((entry) => entry.id)).toContain(actor.id);
    expect((await api('GET', `/v1/actors/${actor.id}`)).body['actor']).toMatchObject({ id: actor.id, status: 'running' });
    const stopped = await api('DELETE', `/v1/actors/${actor.id}`);
    expect(stopped.status).toBe(200);
    expect(stopped.body['actor']).toMatchObject({ id: actor.id, status: 'stopped' });
  });

  it('starts an actor from inline TOML with an initial state given as JSON', async () => {
    const started = await api('POST', '/v1/actors', {
      body: { toml: echoToml('inline'), baseDir: dirname(testActorManifest('echo')), state: { count: 41 } },
    });
    expect(started.status).toBe(201);
    const { id } = started.body['actor'] as ActorView;
    expect(new TextDecoder().decode(server.system.get(id)?.state())).toBe('{"count":41}');
  });
});
