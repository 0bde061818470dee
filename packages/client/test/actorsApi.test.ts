/** `client.actors` against a real server: every method, and the server's refusals as typed errors. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorManifest } from '@theater/test-actors';
import { type TheaterApiError, TheaterClient, isTheaterApiError } from '../src/index.js';

let home: string;
let server: TheaterServer;
let client: TheaterClient;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-client-actors-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

const ECHO = testActorManifest('echo');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** The error `call` rejects with (it must reject with a TheaterApiError). */
async function failure(call: Promise<unknown>): Promise<TheaterApiError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isTheaterApiError(error), String(error)).toBe(true);
  return error as TheaterApiError;
}

describe('client.actors', () => {
  it('starts an actor from a path, shows it by id or prefix, and stops it', async () => {
    const actor = await client.actors.start({ path: ECHO });
    expect(actor).toMatchObject({ name: 'echo', status: 'running', parentId: null, startedAt: expect.any(String) });
    expect(await client.actors.get(actor.id)).toMatchObject({ id: actor.id, status: 'running' });
    expect(await client.actors.get(actor.id.slice(0, 8))).toMatchObject({ id: actor.id });
    expect(await client.actors.stop(actor.id.slice(0, 8))).toMatchObject({ id: actor.id, status: 'stopped', uptimeMs: null });
    expect(server.system.get(actor.id)).toBeUndefined();
  });

  it('starts from TOML with a name and a JSON state, or with bytes as the state', async () => {
    const toml = `name = "inline"\nversion = "0.1.0"\ncomponent = "../dist/echo.wasm"\n[[handler]]\ntype = "runtime"\n[[handler]]\ntype = "message-server"\n`;
    const json = await client.actors.start({ toml, baseDir: dirname(ECHO), name: 'named', state: { json: { count: 3 } } });
    expect(json.name).toBe('named');
    expect(decode(await client.actors.state(json.id))).toBe('{"count":3}');
    const bytes = await client.actors.start({ path: testActorManifest('small'), state: new Uint8Array([5, 0, 0, 0]) });
    const state = await client.actors.state(bytes.id);
    expect(state).toBeInstanceOf(Uint8Array);
    expect([...state!]).toEqual([5, 0, 0, 0]);
  });

  it('answers undefined as the state of an actor without one', async () => {
    const actor = await client.actors.start({ path: testActorManifest('filer') });
    expect(await client.actors.state(actor.id)).toBeUndefined();
  });

  it('restarts an actor with the same id and its state', async () => {
    const actor = await client.actors.start({ path: ECHO });
    await server.system.send(actor.id, text('a'));
    const restarted = await client.actors.restart(actor.id);
    expect(restarted).toMatchObject({ id: actor.id, status: 'running' });
    expect(decode(await client.actors.state(actor.id))).toBe('{"count":1}');
  });

  it('lists the running actors, and with all also the stopped ones', async () => {
    const running = await client.actors.start({ path: ECHO });
    const stopped = await client.actors.start({ path: ECHO });
    await client.actors.stop(stopped.id);
    const live = await client.actors.list();
    expect(live.map((actor) => actor.id)).toContain(running.id);
    expect(live.map((actor) => actor.id)).not.toContain(stopped.id);
    const all = await client.actors.list({ all: true });
    expect(all.find((actor) => actor.id === stopped.id)).toMatchObject({ status: 'stopped' });
    expect(all.length).toBeGreaterThan(live.length);
  });

  it("returns the supervision tree with a supervisor's children under it", async () => {
    const toml = [
      'name = "overseer"',
      'version = "0.1.0"',
      'component = "dist/overseer.wasm"',
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "message-server"',
      '[[handler]]',
      'type = "supervisor"',
    ].join('\n');
    const parent = await client.actors.start({ toml, baseDir: dirname(dirname(ECHO)) });
    const child = decode(await server.system.request(parent.id, text('spawn manifests/echo.toml')));
    const roots = await client.actors.tree();
    const node = roots.find((root) => root.actor.id === parent.id);
    expect(node?.children.map((entry) => entry.actor)).toEqual([expect.objectContaining({ id: child, parentId: parent.id })]);
    expect(roots.map((root) => root.actor.id)).not.toContain(child);
    await client.actors.stop(parent.id);
  });

  it("throws the server's refusals as TheaterApiError with code, status, request id and details", async () => {
    const unknown = await failure(client.actors.get('00000000-0000-4000-8000-000000000000'));
    expect(unknown).toMatchObject({ code: 'actor-not-found', status: 404, name: 'TheaterApiError' });
    expect(unknown.requestId).toMatch(/^[0-9a-f-]{36}$/u);
    const invalid = await failure(client.actors.start({ toml: 'name = "x"\n' }));
    expect(invalid).toMatchObject({ code: 'invalid-manifest', status: 400 });
    expect(invalid.details['problems']).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'version' })]));
    await server.system.spawn(ECHO, { id: 'cafe1111-0000-4000-8000-000000000001' });
    await server.system.spawn(ECHO, { id: 'cafe2222-0000-4000-8000-000000000002' });
    expect(await failure(client.actors.stop('cafe'))).toMatchObject({ code: 'ambiguous-actor-id', status: 400 });
    expect(await failure(client.actors.restart('00000000-0000-4000-8000-000000000000'))).toMatchObject({
      code: 'actor-not-found',
      status: 404,
    });
    expect(await failure(client.actors.state('00000000'))).toMatchObject({ code: 'actor-not-found', status: 404 });
    expect(await failure(client.actors.start({ path: testActorManifest('init-error') }))).toMatchObject({
      code: 'init-failed',
      status: 422,
    });
  });

  it('sends an id with characters a URL reserves as one path segment', async () => {
    const error = await failure(client.actors.get('a/b?c#d'));
    expect(error).toMatchObject({ code: 'actor-not-found', status: 404 });
  });
});
