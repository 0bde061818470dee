/** The actor routes against a real server: start, list, show, stop, restart, state, the supervision tree; every refusal. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InspectionEvent } from '@theater/kernel';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import type { ActorView, TheaterServer } from '../src/index.js';
import { useTestServer } from './helpers/testServer.js';

const testServer = useTestServer('actor-routes');
const { api } = testServer;
let home: string;
let server: TheaterServer;
beforeAll(() => {
  server = testServer.server();
  home = testServer.home();
});

/** Starts an actor through the API and returns its view (the start must succeed). */
async function start(body: object): Promise<ActorView> {
  const answer = await api('POST', '/v1/actors', { body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body['actor'] as ActorView;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const stateOf = async (id: string): Promise<string | null> => (await api('GET', `/v1/actors/${id}/state`)).body['state'] as string | null;

/** The test-actors directory: the overseer loads its children's manifests and components only from inside it. */
const testActorsDir = dirname(dirname(testActorManifest('overseer')));
const overseerToml = [
  'name = "overseer"',
  'version = "0.1.0"',
  'component = "dist/overseer.wasm"',
  '[supervision]',
  'strategy = "one-for-one"',
  'max_restarts = 3',
  'within_ms = 60000',
  '[[handler]]',
  'type = "runtime"',
  '[[handler]]',
  'type = "message-server"',
  '[[handler]]',
  'type = "supervisor"',
].join('\n');

/** An overseer started through the API, with `count` echo children it spawned itself. */
async function overseerWithChildren(count: number): Promise<{ parent: ActorView; children: string[] }> {
  const parent = await start({ toml: overseerToml, baseDir: testActorsDir, name: 'overseer' });
  const children: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = decode(await server.system.request(parent.id, text('spawn manifests/echo.toml')));
    expect(id).toMatch(/^[0-9a-f-]{36}$/u);
    children.push(id);
  }
  return { parent, children };
}

/** Polls until `done` holds (at most ~10 s). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

describe('POST /v1/actors', () => {
  it('starts an actor from a manifest path and answers 201 with its full view', async () => {
    const before = Date.now();
    const actor = await start({ path: testActorManifest('echo') });
    expect(actor).toMatchObject({
      name: 'echo',
      status: 'running',
      parentId: null,
      componentHash: expect.stringMatching(/^[0-9a-f]{64}$/u),
    });
    expect(actor.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u);
    expect(Date.parse(actor.startedAt!)).toBeGreaterThanOrEqual(before - 1);
    expect(actor.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(actor.failure).toBeUndefined();
    expect(server.system.get(actor.id)?.status).toBe('running');
  });

  it('starts from inline TOML with a new name, relative paths resolved against baseDir', async () => {
    const toml = `name = "inline"\nversion = "0.1.0"\ncomponent = "../dist/echo.wasm"\n[[handler]]\ntype = "runtime"\n[[handler]]\ntype = "message-server"\n`;
    const actor = await start({ toml, baseDir: dirname(testActorManifest('echo')), name: 'renamed' });
    expect(actor.name).toBe('renamed');
    expect(actor.componentHash).toBe((await start({ path: testActorManifest('echo') })).componentHash);
  });

  it('gives the actor its initial state as the JSON of `state`, or as the bytes of `stateBase64`', async () => {
    const json = await start({ path: testActorManifest('echo'), state: { count: 41 } });
    expect(Buffer.from((await stateOf(json.id))!, 'base64').toString()).toBe('{"count":41}');
    const bytes = await start({ path: testActorManifest('small'), stateBase64: Buffer.from([7, 0, 0, 0]).toString('base64') });
    expect([...Buffer.from((await stateOf(bytes.id))!, 'base64')]).toEqual([7, 0, 0, 0]);
  });

  it('refuses a bad body with 400 invalid-request and starts nothing', async () => {
    const running = server.system.list().length;
    const path = testActorManifest('echo');
    for (const body of [
      '{"path": ',
      '[]',
      '"echo.toml"',
      {},
      { path, toml: 'name = "x"' },
      { path, state: 1, stateBase64: 'AQ==' },
      { path, stateBase64: 'not base64!' },
      { path, name: '' },
      { path, name: 'x'.repeat(129) },
      { path, extra: true },
      { path: '' },
      { toml: { text: 'name = "x"' } },
    ]) {
      const answer = await api('POST', '/v1/actors', { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body, JSON.stringify(body)).toMatchObject({
        error: { code: 'invalid-request', message: expect.any(String) },
        requestId: expect.any(String),
      });
    }
    const both = await api('POST', '/v1/actors', { body: { path, state: 1, stateBase64: 'AQ==' } });
    expect((both.body['error'] as { message: string }).message).toMatch(/state or stateBase64, not both/u);
    expect(server.system.list()).toHaveLength(running);
  });

  it('refuses an invalid manifest with 400 invalid-manifest and every problem, a missing one with manifest-not-found', async () => {
    const running = server.system.list().length;
    const invalid = await api('POST', '/v1/actors', { body: { toml: 'name = "x"\nversion = 3\nbogus = true\n' } });
    expect(invalid.status).toBe(400);
    const error = invalid.body['error'] as { code: string; problems: { field: string; message: string }[] };
    expect(error.code).toBe('invalid-manifest');
    expect(error.problems.map((problem) => problem.field)).toEqual(expect.arrayContaining(['version', 'bogus', 'component']));
    const missing = await api('POST', '/v1/actors', { body: { path: join(home, 'nowhere.toml') } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'manifest-not-found', problems: [{ field: '(file)' }] } });
    const noComponent = await api('POST', '/v1/actors', {
      body: { toml: `name = "x"\nversion = "0.1.0"\ncomponent = "${join(home, 'none.wasm')}"\n` },
    });
    expect(noComponent.status).toBe(400);
    expect(noComponent.body).toMatchObject({ error: { code: 'component-not-found' } });
    expect(server.system.list()).toHaveLength(running);
  });

  it('answers 422 init-failed when the actor refuses to start', async () => {
    const answer = await api('POST', '/v1/actors', { body: { path: testActorManifest('init-error') } });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: { code: 'init-failed', message: expect.stringMatching(/init refused: bad config/u) } });
  });
});

describe('GET /v1/actors/:id', () => {
  it('finds an actor by its full id, by a unique prefix of 4 or more characters, and refuses shorter ones', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    for (const given of [actor.id, actor.id.slice(0, 8), actor.id.slice(0, 13)]) {
      const answer = await api('GET', `/v1/actors/${given}`);
      expect(answer.status, given).toBe(200);
      expect(answer.body['actor']).toMatchObject({ id: actor.id, name: 'echo', status: 'running' });
    }
    const short = await api('GET', `/v1/actors/${actor.id.slice(0, 3)}`);
    expect(short.status).toBe(404);
    expect(short.body).toMatchObject({ error: { code: 'actor-not-found', message: expect.stringMatching(/at least 4 characters/u) } });
  });

  it('answers 404 actor-not-found for an unknown id, and a structured refusal for an overlong one', async () => {
    const unknown = await api('GET', '/v1/actors/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'actor-not-found' }, requestId: expect.any(String) });
    for (const long of ['a'.repeat(129), 'a'.repeat(1000)]) {
      const answer = await api('GET', `/v1/actors/${long}`);
      expect([400, 414]).toContain(answer.status);
      expect(answer.body).toMatchObject({ error: { code: 'invalid-request' }, requestId: expect.any(String) });
    }
  });

  it('refuses a prefix of several ids with 400 ambiguous-actor-id naming them; a longer prefix resolves', async () => {
    const first = await server.system.spawn(testActorManifest('echo'), { id: 'abcd1111-0000-4000-8000-000000000001' });
    const second = await server.system.spawn(testActorManifest('echo'), { id: 'abcd2222-0000-4000-8000-000000000002' });
    const ambiguous = await api('GET', '/v1/actors/abcd');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body).toMatchObject({ error: { code: 'ambiguous-actor-id' } });
    expect((ambiguous.body['error'] as { message: string }).message).toMatch(
      new RegExp(`${first.id}.*${second.id}|${second.id}.*${first.id}`, 'u'),
    );
    expect((await api('GET', '/v1/actors/abcd2')).body['actor']).toMatchObject({ id: second.id });
    // Actors the API did not start (a supervisor's children, these) have a start time too.
    expect(((await api('GET', '/v1/actors/abcd1')).body['actor'] as ActorView).startedAt).toEqual(expect.any(String));
    // A stopped one still counts: the store knows it.
    await server.system.stop(second.id);
    expect((await api('GET', '/v1/actors/abcd')).status).toBe(400);
    expect((await api('GET', '/v1/actors/abcd2')).body['actor']).toMatchObject({
      id: second.id,
      status: 'stopped',
      startedAt: null,
      uptimeMs: null,
    });
    await server.system.stop(first.id);
  });
});

describe('DELETE /v1/actors/:id', () => {
  it('stops an actor by prefix and answers its stopped view; a second stop is 409, an unknown id 404', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    const stopped = await api('DELETE', `/v1/actors/${actor.id.slice(0, 8)}`);
    expect(stopped.status).toBe(200);
    expect(stopped.body['actor']).toMatchObject({ id: actor.id, name: 'echo', status: 'stopped', uptimeMs: null });
    expect(server.system.get(actor.id)).toBeUndefined();
    const again = await api('DELETE', `/v1/actors/${actor.id}`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'actor-not-running', message: expect.stringMatching(/not running/u) } });
    expect((await api('DELETE', '/v1/actors/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('stops an actor whose chain is kept in memory only and answers its view as it ended', async () => {
    const toml = (await readFile(testActorManifest('echo'), 'utf8')).replace(
      '"../dist/echo.wasm"',
      JSON.stringify(testActorComponent('echo')),
    );
    const actor = await start({ toml: `save_chain = false\n${toml}` });
    const stopped = await api('DELETE', `/v1/actors/${actor.id}`);
    expect(stopped.status).toBe(200);
    expect(stopped.body['actor']).toMatchObject({ id: actor.id, status: 'stopped', uptimeMs: null });
  });

  it("stops a supervisor's children before the supervisor", async () => {
    const { parent, children } = await overseerWithChildren(2);
    const stoppedOrder: string[] = [];
    const stopInspecting = server.system.inspect((event: InspectionEvent) => {
      if (event.type === 'actor.stopped') stoppedOrder.push(event.actorId);
    });
    try {
      const answer = await api('DELETE', `/v1/actors/${parent.id}`);
      expect(answer.status).toBe(200);
      expect(answer.body['actor']).toMatchObject({ id: parent.id, status: 'stopped' });
    } finally {
      stopInspecting();
    }
    expect(stoppedOrder).toHaveLength(3);
    expect(stoppedOrder.at(-1)).toBe(parent.id);
    expect(new Set(stoppedOrder.slice(0, 2))).toEqual(new Set(children));
    for (const child of children) {
      expect(server.system.get(child)).toBeUndefined();
      expect((await api('GET', `/v1/actors/${child}`)).body['actor']).toMatchObject({ status: 'stopped', parentId: parent.id });
    }
  });
});

describe('POST /v1/actors/:id/restart', () => {
  it('restarts an actor with the same id and its last committed state, and continues its chain', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    await server.system.send(actor.id, text('one'));
    await server.system.send(actor.id, text('two'));
    const before = server.system.get(actor.id);
    const headBefore = (await server.system.events(actor.id)).length;

    const answer = await api('POST', `/v1/actors/${actor.id.slice(0, 6)}/restart`);
    expect(answer.status).toBe(200);
    expect(answer.body['actor']).toMatchObject({ id: actor.id, name: 'echo', status: 'running', parentId: null });
    expect(server.system.get(actor.id)).not.toBe(before);
    expect(before?.status).toBe('stopped');
    expect(Buffer.from((await stateOf(actor.id))!, 'base64').toString()).toBe('{"count":2}');

    await server.system.send(actor.id, text('three'));
    expect(decode(await server.system.request(actor.id, text('state')))).toBe('{"count":3}');
    const events = await server.system.events(actor.id);
    expect(events.slice(headBefore).map((event) => event.type)).toContain('actor.restart');
    expect(events.map((event) => event.seq)).toEqual([...events.keys()]);
    expect(await server.system.verify(actor.id)).toMatchObject({ ok: true });
  });

  it("restarts a supervisor's child under its parent", async () => {
    const { parent, children } = await overseerWithChildren(1);
    const [child] = children as [string];
    const answer = await api('POST', `/v1/actors/${child}/restart`);
    expect(answer.status).toBe(200);
    expect(answer.body['actor']).toMatchObject({ id: child, status: 'running', parentId: parent.id });
    expect(decode(await server.system.request(parent.id, text('children')))).toBe(JSON.stringify([child]));
    await api('DELETE', `/v1/actors/${parent.id}`);
  });

  it('resumes a stopped actor from its last committed state, and answers 404 for an unknown one', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    await server.system.send(actor.id, text('x'));
    await api('DELETE', `/v1/actors/${actor.id}`);
    const resumed = await api('POST', `/v1/actors/${actor.id}/restart`);
    expect(resumed.status).toBe(200);
    expect(resumed.body['actor']).toMatchObject({ id: actor.id, status: 'running' });
    expect(Buffer.from((await stateOf(actor.id))!, 'base64').toString()).toBe('{"count":1}');
    expect((await api('POST', '/v1/actors/00000000-0000-4000-8000-000000000000/restart')).status).toBe(404);
  });
});

describe('GET /v1/actors/:id/state', () => {
  it('answers the last committed state as base64, and null for an actor without state', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    await server.system.send(actor.id, text('x'));
    expect(Buffer.from((await stateOf(actor.id))!, 'base64').toString()).toBe('{"count":1}');
    const stateless = await start({ path: testActorManifest('filer') });
    const answer = await api('GET', `/v1/actors/${stateless.id}/state`);
    expect(answer).toEqual({ status: 200, body: { state: null } });
  });

  it('answers 404 for an unknown actor and for one that no longer runs', async () => {
    expect((await api('GET', '/v1/actors/00000000-0000-4000-8000-000000000000/state')).status).toBe(404);
    const actor = await start({ path: testActorManifest('echo') });
    await api('DELETE', `/v1/actors/${actor.id}`);
    const stopped = await api('GET', `/v1/actors/${actor.id}/state`);
    expect(stopped.status).toBe(404);
    expect(stopped.body).toMatchObject({ error: { code: 'actor-not-found' } });
  });
});

describe('GET /v1/tree', () => {
  it("shows a supervisor's children under it and not as roots, and only running actors", async () => {
    const { parent, children } = await overseerWithChildren(2);
    const lone = await start({ path: testActorManifest('echo') });
    type Node = { actor: ActorView; children: Node[] };
    const roots = async (): Promise<Node[]> => {
      const answer = await api('GET', '/v1/tree');
      expect(answer.status).toBe(200);
      return answer.body['roots'] as Node[];
    };
    let tree = await roots();
    const node = tree.find((root) => root.actor.id === parent.id);
    expect(node?.children.map((child) => child.actor.id).sort()).toEqual([...children].sort());
    expect(node?.children.every((child) => child.actor.parentId === parent.id && child.children.length === 0)).toBe(true);
    expect(tree.map((root) => root.actor.id)).toContain(lone.id);
    for (const child of children) expect(tree.map((root) => root.actor.id)).not.toContain(child);
    const ids = (nodes: Node[]): string[] => nodes.flatMap((n) => [n.actor.id, ...ids(n.children)]);
    expect(ids(tree).sort()).toEqual(
      server.system
        .list()
        .map((actor) => actor.id)
        .sort(),
    );

    await server.system.request(parent.id, text(`stop ${children[0]}`));
    tree = await roots();
    expect(tree.find((root) => root.actor.id === parent.id)?.children.map((child) => child.actor.id)).toEqual([children[1]]);
    await api('DELETE', `/v1/actors/${parent.id}`);
    expect((await roots()).map((root) => root.actor.id)).not.toContain(parent.id);
  });
});

describe('GET /v1/actors', () => {
  it('lists the running actors; with all=true also the stopped and failed ones from the store', async () => {
    const running = await start({ path: testActorManifest('echo') });
    const stopped = await start({ path: testActorManifest('echo') });
    await api('DELETE', `/v1/actors/${stopped.id}`);
    const failed = await start({ path: testActorManifest('trapper') });
    await server.system.send(failed.id, text('trap')).catch(() => {});
    await until(() => server.system.get(failed.id) === undefined);

    const live = (await api('GET', '/v1/actors')).body['actors'] as ActorView[];
    expect(live.map((actor) => actor.id)).toContain(running.id);
    expect(live.map((actor) => actor.id)).not.toContain(stopped.id);
    expect(live.map((actor) => actor.id)).not.toContain(failed.id);
    expect(live.every((actor) => actor.status === 'running')).toBe(true);
    expect((await api('GET', '/v1/actors?all=false')).body['actors']).toHaveLength(live.length);

    const all = (await api('GET', '/v1/actors?all=true')).body['actors'] as ActorView[];
    const byId = new Map(all.map((actor) => [actor.id, actor]));
    expect(all).toHaveLength(new Set(all.map((actor) => actor.id)).size);
    expect(byId.get(running.id)).toMatchObject({ status: 'running' });
    expect(byId.get(stopped.id)).toMatchObject({
      name: 'echo',
      status: 'stopped',
      startedAt: null,
      uptimeMs: null,
      componentHash: stopped.componentHash,
    });
    expect(byId.get(failed.id)).toMatchObject({
      name: 'trapper',
      status: 'failed',
      failure: { reason: expect.any(String), message: expect.any(String) },
    });
    expect(await (await server.system.chainStore()).actors()).toHaveLength(all.length);
  });

  it('refuses an unknown query parameter or a non-boolean all with 400', async () => {
    expect((await api('GET', '/v1/actors?all=maybe')).status).toBe(400);
    expect((await api('GET', '/v1/actors?bogus=1')).status).toBe(400);
  });
});

describe('authentication on the actor routes', () => {
  it('answers 401 without the token or with a wrong one, and changes nothing', async () => {
    const actor = await start({ path: testActorManifest('echo') });
    const running = server.system
      .list()
      .map((entry) => entry.id)
      .sort();
    const routes: [string, string, object?][] = [
      ['GET', '/v1/actors?all=true'],
      ['POST', '/v1/actors', { path: testActorManifest('echo') }],
      ['GET', `/v1/actors/${actor.id}`],
      ['DELETE', `/v1/actors/${actor.id}`],
      ['POST', `/v1/actors/${actor.id}/restart`],
      ['GET', `/v1/actors/${actor.id}/state`],
      ['GET', '/v1/tree'],
    ];
    for (const token of [null, 'wrong']) {
      for (const [method, path, body] of routes) {
        const answer = await api(method, path, { token, ...(body === undefined ? {} : { body }) });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.body).toMatchObject({ error: { code: 'unauthorized' }, requestId: expect.any(String) });
      }
    }
    expect(
      server.system
        .list()
        .map((entry) => entry.id)
        .sort(),
    ).toEqual(running);
    expect(server.system.get(actor.id)?.status).toBe('running');
    expect((await server.system.events(actor.id)).map((event) => event.type)).not.toContain('actor.restart');
  });
});

describe('the OpenAPI description', () => {
  it('describes every actor route with a summary', async () => {
    const { paths } = (await api('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, { summary?: string }>> };
    for (const [path, method] of [
      ['/v1/actors', 'get'],
      ['/v1/actors', 'post'],
      ['/v1/actors/{id}', 'get'],
      ['/v1/actors/{id}', 'delete'],
      ['/v1/actors/{id}/restart', 'post'],
      ['/v1/actors/{id}/state', 'get'],
      ['/v1/tree', 'get'],
    ] as const) {
      expect(paths[path]?.[method]?.summary, `${method} ${path}`).toEqual(expect.any(String));
    }
  });
});
