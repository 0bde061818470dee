import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChainFile } from '@theater/event-chain';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { startTheaterServer, type TheaterServer } from '../src/index.js';

let home: string;
let server: TheaterServer;
let liveId: string;
let storedId: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-chain-routes-test-'));
  server = await startTheaterServer({ home });
  const live = await server.system.spawn(testActorManifest('echo'));
  liveId = live.id;
  for (const text of ['a', 'b', 'c']) await live.send(new TextEncoder().encode(text));
  const stored = await server.system.spawn(testActorManifest('echo'));
  storedId = stored.id;
  await stored.send(new TextEncoder().encode('kept'));
  await server.system.stop(storedId);
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

async function api(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = options.token === undefined ? server.token : options.token;
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('GET /v1/actors/:id/chain/verify', () => {
  it('verifies a stored chain signed at its stop, and a live one whose newest events no checkpoint covers yet', async () => {
    const stored = await api('GET', `/v1/actors/${storedId}/chain/verify`);
    expect(stored.status).toBe(200);
    const events = (await server.system.events(storedId)).length;
    expect(stored.body).toEqual({ ok: true, actor: storedId, events, checkpoints: 1, unsignedEvents: 0 });
    const live = await api('GET', `/v1/actors/${liveId.slice(0, 6)}/chain/verify`);
    expect(live.body).toMatchObject({ ok: true, actor: liveId, checkpoints: 0 });
    expect(live.body['unsignedEvents']).toBe(live.body['events']);
  });

  it('fails a chain whose checkpoint is signed by a key it is not told to trust', async () => {
    const answer = await api('GET', `/v1/actors/${storedId}/chain/verify?trust=${'ab'.repeat(32)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ok: false,
      actor: storedId,
      checkpoints: 1,
      index: expect.any(Number) as unknown,
      reason: expect.stringMatching(/trusted|signer|key/u) as unknown,
    });
  });

  it('answers 400 for a malformed trust key, 404 for an unknown actor, 401 without the token', async () => {
    expect(await api('GET', `/v1/actors/${storedId}/chain/verify?trust=xyz`)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-request' } },
    });
    expect(await api('GET', `/v1/actors/${UNKNOWN}/chain/verify`)).toMatchObject({
      status: 404,
      body: { error: { code: 'actor-not-found' } },
    });
    expect(await api('GET', `/v1/actors/${storedId}/chain/verify`, { token: null })).toMatchObject({ status: 401 });
  });
});

describe('GET /v1/actors/:id/chain/export', () => {
  it('streams the chain file of a live actor: its header and events are the chain', async () => {
    const response = await fetch(`${server.url}/v1/actors/${liveId}/chain/export`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-theater-actor')).toBe(liveId);
    const bytes = new Uint8Array(await response.arrayBuffer());
    await using reader = readChainFile(bytes);
    const header = await reader.header();
    expect(header.actor).toBe(liveId);
    const seqs: number[] = [];
    for await (const event of reader.events()) seqs.push(event.seq);
    expect(seqs).toEqual([...Array(header.events).keys()]);
    expect(header.events).toBe((await server.system.events(liveId)).length);
  });

  it('answers 404 for an unknown actor and 401 without the token, as structured errors', async () => {
    expect(await api('GET', `/v1/actors/${UNKNOWN}/chain/export`)).toMatchObject({
      status: 404,
      body: { error: { code: 'actor-not-found' } },
    });
    expect(await api('GET', `/v1/actors/${storedId}/chain/export`, { token: 'wrong' })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
  });
});

describe('POST /v1/actors/:id/replay', () => {
  it('replays a stored actor hash for hash, with or without a body', async () => {
    for (const body of [undefined, {}]) {
      const answer = await api('POST', `/v1/actors/${storedId}/replay`, body === undefined ? {} : { body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({
        ok: true,
        actorId: storedId,
        divergence: null,
        events: (await server.system.events(storedId)).length,
      });
      expect(answer.body['replayedComponent']).toBe(answer.body['recordedComponent']);
    }
  });

  it('shows where another component diverges, its events as JSON', async () => {
    const answer = await api('POST', `/v1/actors/${storedId}/replay`, { body: { componentPath: testActorComponent('keeper') } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      ok: false,
      actorId: storedId,
      divergence: { index: expect.any(Number) as unknown, reason: expect.any(String) as unknown },
    });
    expect(answer.body['replayedComponent']).not.toBe(answer.body['recordedComponent']);
  });

  it('answers 400 for a bad body, 404 for an unknown actor, 401 without the token', async () => {
    expect(await api('POST', `/v1/actors/${storedId}/replay`, { body: { componentPath: { path: 'x' } } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-request' } },
    });
    expect(await api('POST', `/v1/actors/${storedId}/replay`, { body: { componentPath: '' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-request' } },
    });
    expect(await api('POST', `/v1/actors/${storedId}/replay`, { body: { componentPath: join(home, 'none.wasm') } })).toMatchObject({
      status: 400,
      body: { error: { code: 'component-not-found' } },
    });
    expect(await api('POST', `/v1/actors/${UNKNOWN}/replay`, { body: {} })).toMatchObject({
      status: 404,
      body: { error: { code: 'actor-not-found' } },
    });
    expect(await api('POST', `/v1/actors/${storedId}/replay`, { body: {}, token: null })).toMatchObject({ status: 401 });
  });
});
