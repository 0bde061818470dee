import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { startTheaterServer, type TheaterServer } from '../src/index.js';

let home: string;
let server: TheaterServer;
let actorId: string;
/** The events the actor recorded: spawn, init, then a call and a result per send (and their log host calls). */
let total: number;

interface WireEvent {
  seq: number;
  parent: string | null;
  type: string;
  hash: string;
  data: string;
}

interface Page {
  events: WireEvent[];
  next: number | null;
  total: number;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-events-test-'));
  server = await startTheaterServer({ home });
  const actor = await server.system.spawn(testActorManifest('echo'));
  actorId = actor.id;
  for (let i = 0; i < 20; i++) await actor.send(new TextEncoder().encode(`m${i}`));
  total = (await server.system.events(actorId)).length;
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

async function api(path: string, token: string | null = server.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function page(path: string): Promise<Page> {
  const answer = await api(path);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as Page;
}

/** Asks for a WebSocket upgrade and resolves with the HTTP answer when it is refused (or 101 when accepted). */
function upgrade(path: string, token: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    // A fresh connection each time: a refused upgrade leaves its socket unusable for another request.
    const request = httpRequest(`${server.url}${path}`, { headers, agent: false });
    let connection: Socket | undefined;
    request.on('socket', (socket) => (connection = socket));
    request.on('upgrade', (_response, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        connection?.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('GET /v1/actors/:id/events', () => {
  it('pages through the whole chain with the cursor: every event once, in order, linked, and next null at the head', async () => {
    const seen: WireEvent[] = [];
    let from: number | null = 0;
    while (from !== null) {
      const current: Page = await page(`/v1/actors/${actorId}/events?from=${from}&limit=7`);
      expect(current.total).toBe(total);
      expect(current.events.length).toBeLessThanOrEqual(7);
      seen.push(...current.events);
      from = current.next;
    }
    expect(seen.map((event) => event.seq)).toEqual([...Array(total).keys()]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.parent).toBe(seen[i - 1]!.hash);
    const last = await page(`/v1/actors/${actorId}/events?from=${total - 7}&limit=7`);
    expect(last.events).toHaveLength(7);
    expect(last.next).toBeNull();
  });

  it('reads a range with to (exclusive), by a unique id prefix', async () => {
    const range = await page(`/v1/actors/${actorId.slice(0, 8)}/events?from=2&to=5`);
    expect(range.events.map((event) => event.seq)).toEqual([2, 3, 4]);
    expect(range.next).toBeNull();
  });

  it('fills a filtered page with matching events only, across store batches, and gives the cursor after the last one', async () => {
    const all = (await page(`/v1/actors/${actorId}/events`)).events;
    const results = all.filter((event) => event.type === 'wasm.result' || event.type === 'wasm.error');
    const first = await page(`/v1/actors/${actorId}/events?type=wasm.result&type=wasm.error&limit=5`);
    expect(first.events.map((event) => event.seq)).toEqual(results.slice(0, 5).map((event) => event.seq));
    expect(first.next).toBe(results[4]!.seq + 1);
    const rest = await page(`/v1/actors/${actorId}/events?type=wasm.result&type=wasm.error&from=${first.next}&limit=1000`);
    expect(rest.events.map((event) => event.seq)).toEqual(results.slice(5).map((event) => event.seq));
    expect(rest.next).toBeNull();
    // A prefix at a boundary selects the family; a prefix ending with * any type that starts with it.
    const wasm = await page(`/v1/actors/${actorId}/events?type=wasm`);
    expect(wasm.events.length).toBeGreaterThan(0);
    expect(wasm.events.every((event) => event.type.startsWith('wasm.'))).toBe(true);
    expect((await page(`/v1/actors/${actorId}/events?type=was`)).events).toEqual([]);
    expect((await page(`/v1/actors/${actorId}/events?type=was*`)).events).toEqual(wasm.events);
  });

  it('reads a stopped actor from the store, and answers 404, 400 and 401', async () => {
    const stopped = await server.system.spawn(testActorManifest('echo'));
    await stopped.send(new TextEncoder().encode('last words'));
    await server.system.stop(stopped.id);
    const stored = await page(`/v1/actors/${stopped.id}/events`);
    expect(stored.events.at(-1)!.type).toBe('actor.stop');
    expect(stored.total).toBe(stored.events.length);

    expect(await api('/v1/actors/00000000-0000-4000-8000-000000000000/events')).toMatchObject({
      status: 404,
      body: { error: { code: 'actor-not-found' } },
    });
    expect(await api(`/v1/actors/${actorId}/events?from=-1`)).toMatchObject({ status: 400, body: { error: { code: 'invalid-request' } } });
    expect(await api(`/v1/actors/${actorId}/events?limit=0`)).toMatchObject({ status: 400, body: { error: { code: 'invalid-request' } } });
    expect(await api(`/v1/actors/${actorId}/events`, null)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await api(`/v1/actors/${actorId}/events`, 'wrong')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it('cuts a limit over the maximum to the maximum', async () => {
    const answer = await page(`/v1/actors/${actorId}/events?limit=1000000`);
    expect(answer.events).toHaveLength(total);
  });
});

describe('GET /v1/actors/:id/events/stream (upgrade)', () => {
  it('refuses the upgrade without the token (401), for an unknown actor (404) and for a bad query (400)', async () => {
    const unauthorized = await upgrade(`/v1/actors/${actorId}/events/stream`, null);
    expect(unauthorized.status).toBe(401);
    expect(JSON.parse(unauthorized.body)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await upgrade(`/v1/actors/${actorId}/events/stream`, 'wrong')).status).toBe(401);
    const unknown = await upgrade('/v1/actors/00000000-0000-4000-8000-000000000000/events/stream', server.token);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'actor-not-found' } });
    const bad = await upgrade(`/v1/actors/${actorId}/events/stream?from=x`, server.token);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'invalid-request' } });
    expect((await upgrade(`/v1/actors/${actorId}/events/stream`, server.token)).status).toBe(101);
  });
});
