/** Resuming after a server stops: the resumable set, `resume: true`, `POST /v1/resume`, and forgetting an actor. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { startTheaterServer, type ActorView, type TheaterServer } from '../src/index.js';

let home: string;
const servers: TheaterServer[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-resume-test-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await rm(home, { recursive: true, force: true });
});

async function start(resume = false): Promise<TheaterServer> {
  const server = await startTheaterServer({ home, resume });
  servers.push(server);
  return server;
}

async function api<T = Record<string, unknown>>(
  server: TheaterServer,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const testActorsDir = dirname(dirname(testActorManifest('overseer')));
const smallToml = `name = "small"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent('small'))}\n[[handler]]\ntype = "runtime"\n[[handler]]\ntype = "message-server"\n`;
const overseerToml = (await readFile(testActorManifest('overseer'), 'utf8')).replace('"../dist/overseer.wasm"', '"dist/overseer.wasm"');

async function startSmall(server: TheaterServer): Promise<string> {
  const started = await api<{ actor: ActorView }>(server, 'POST', '/v1/actors', { toml: smallToml });
  expect(started.status).toBe(201);
  return started.body.actor.id;
}

async function count(server: TheaterServer, id: string): Promise<number> {
  const reply = await server.system.request(id, new TextEncoder().encode('count'));
  return Buffer.from(reply).readUInt32LE(0);
}

async function send(server: TheaterServer, id: string, times: number): Promise<void> {
  for (let index = 0; index < times; index++) await server.system.send(id, new TextEncoder().encode('tick'));
}

describe('resuming the actors a server was running', () => {
  it('brings back every actor running at a clean stop, with its id, state and chain, children under their parent', async () => {
    const first = await start();
    const small = await startSmall(first);
    await send(first, small, 3);
    const overseer = await api<{ actor: ActorView }>(first, 'POST', '/v1/actors', { toml: overseerToml, baseDir: testActorsDir });
    const parent = overseer.body.actor.id;
    const child = new TextDecoder().decode(await first.system.request(parent, new TextEncoder().encode('spawn manifests/trapper.toml')));
    await first.system.send(child, new TextEncoder().encode('one'));
    const stopped = await startSmall(first);
    expect((await api(first, 'DELETE', `/v1/actors/${stopped}`)).status).toBe(200);
    await first.close();
    servers.splice(0);

    const plain = await start();
    expect(plain.system.list()).toEqual([]);
    expect((await api<{ resumable: number }>(plain, 'GET', '/v1/health')).body.resumable).toBe(3);
    await plain.close();
    servers.splice(0);

    const second = await start(true);
    expect(second.resumed.failed).toEqual([]);
    expect(new Set(second.resumed.resumed)).toEqual(new Set([small, parent, child]));
    expect(second.resumed.resumed.indexOf(parent)).toBeLessThan(second.resumed.resumed.indexOf(child));
    expect(await count(second, small)).toBe(3);
    expect(second.system.parentOf(child)).toBe(parent);
    const tree = await api<{ roots: { actor: ActorView; children: { actor: ActorView }[] }[] }>(second, 'GET', '/v1/tree');
    expect(tree.body.roots.find((node) => node.actor.id === parent)?.children.map((node) => node.actor.id)).toEqual([child]);
    expect(new TextDecoder().decode(await second.system.request(parent, new TextEncoder().encode(`state ${child}`)))).toBe('{"count":1}');
    expect(second.system.get(stopped)).toBeUndefined();
    for (const id of [small, parent, child]) expect(await second.system.verify(id)).toMatchObject({ ok: true });
    const types = (await second.system.events(small)).map((event) => event.type);
    expect(types.filter((type) => type === 'actor.restart')).toHaveLength(1);
  });

  it('resumes on request (POST /v1/resume), reports what could not come back, and forgets an actor on DELETE', async () => {
    const first = await start();
    const kept = await startSmall(first);
    const forgotten = await startSmall(first);
    await send(first, kept, 2);
    await first.close();
    servers.splice(0);

    const second = await start();
    const forget = await api<{ actor: ActorView }>(second, 'DELETE', `/v1/actors/${forgotten.slice(0, 8)}`);
    expect(forget.status).toBe(200);
    expect(forget.body.actor).toMatchObject({ id: forgotten, status: 'stopped' });
    expect((await api<{ error: { code: string } }>(second, 'DELETE', `/v1/actors/${forgotten}`)).body.error.code).toBe('actor-not-running');
    const resumed = await api<{ resumed: ActorView[]; failed: unknown[] }>(second, 'POST', '/v1/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumed.map((actor) => actor.id)).toEqual([kept]);
    expect(resumed.body.resumed[0]).toMatchObject({ status: 'running', name: 'small' });
    expect(await count(second, kept)).toBe(2);
    expect((await api<{ resumed: unknown[] }>(second, 'POST', '/v1/resume')).body.resumed).toEqual([]);
  });

  it('restarts a stopped actor from its last committed state (a resume), and drops an id that has no chain', async () => {
    const first = await start();
    const id = await startSmall(first);
    await send(first, id, 4);
    await api(first, 'DELETE', `/v1/actors/${id}`);
    const restarted = await api<{ actor: ActorView }>(first, 'POST', `/v1/actors/${id}/restart`);
    expect(restarted.status).toBe(200);
    expect(restarted.body.actor.status).toBe('running');
    expect(await count(first, id)).toBe(4);
    await first.close();
    servers.splice(0);

    // The journal survives a torn last line (a crash mid-write), and an unknown id is reported, not fatal.
    await writeFile(
      join(home, 'server-actors.jsonl'),
      `${await readFile(join(home, 'server-actors.jsonl'), 'utf8')}{"add":"00000000-dead-4000-8000-000000000000"}\n{"add":"trunc`,
    );
    const second = await start(true);
    expect(second.resumed.resumed).toEqual([id]);
    expect(second.resumed.failed).toEqual([
      { id: '00000000-dead-4000-8000-000000000000', error: { code: 'actor-not-found', message: expect.any(String) } },
    ]);
    // An id without a chain never started: it leaves the journal.
    expect((await api<{ resumable: number }>(second, 'GET', '/v1/health')).body.resumable).toBe(0);
    expect(await readFile(join(home, 'server-actors.jsonl'), 'utf8')).toContain('{"remove":"00000000-dead-4000-8000-000000000000"}');
  });

  it('keeps an actor whose resume fails in the set, and brings it back once it can start', async () => {
    const component = join(home, 'small.wasm');
    await writeFile(component, await readFile(testActorComponent('small')));
    const toml = smallToml.replace(JSON.stringify(testActorComponent('small')), JSON.stringify(component));
    const first = await start();
    const { body } = await api<{ actor: ActorView }>(first, 'POST', '/v1/actors', { toml });
    const id = body.actor.id;
    await send(first, id, 2);
    await first.close();
    servers.splice(0);

    await rm(component);
    const second = await start(true);
    expect(second.resumed.resumed).toEqual([]);
    expect(second.resumed.failed).toEqual([{ id, error: { code: expect.any(String), message: expect.any(String) } }]);
    expect((await api<{ resumable: number }>(second, 'GET', '/v1/health')).body.resumable).toBe(1);
    await writeFile(component, await readFile(testActorComponent('small')));
    const resumed = await api<{ resumed: ActorView[] }>(second, 'POST', '/v1/resume');
    expect(resumed.body.resumed.map((actor) => actor.id)).toEqual([id]);
    expect(await count(second, id)).toBe(2);
  });
});
