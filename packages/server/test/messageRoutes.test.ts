import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testActorManifest, type TestActorName } from '@theater/test-actors';
import type { ActorView, TheaterServer } from '../src/index.js';
import { useTestServer, type Answer } from './helpers/testServer.js';

const testServer = useTestServer('server-messages', { bodyLimit: 64 * 1024 });
const { api } = testServer;
let server: TheaterServer;
beforeAll(() => {
  server = testServer.server();
});

/** Starts a test actor through the API: its manifest, optionally edited (inline TOML). */
async function start(name: TestActorName, edit?: (toml: string) => string): Promise<string> {
  const path = testActorManifest(name);
  const body = edit === undefined ? { path } : { toml: edit(await readFile(path, 'utf8')), baseDir: dirname(path) };
  const started = await api('POST', '/v1/actors', { body });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return (started.body['actor'] as ActorView).id;
}

const text = (base64: unknown): string => Buffer.from(String(base64), 'base64').toString('utf8');

describe('POST /v1/actors/:id/messages', () => {
  it('delivers text, JSON and base64 payloads and answers once each is committed', async () => {
    const id = await start('echo');
    for (const body of [{ text: 'hello' }, { json: { add: 1 } }, { base64: Buffer.from([0, 1, 2]).toString('base64') }]) {
      const sent = await api('POST', `/v1/actors/${id}/messages`, { body });
      expect(sent).toEqual({ status: 200, body: { delivered: true } });
    }
    // Committed before the answer: the state already counts all three.
    expect(new TextDecoder().decode(server.system.get(id)?.state())).toBe('{"count":3}');
    const events = await server.system.events(id);
    const sends = events.filter((event) => event.type === 'wasm.call' && new TextDecoder().decode(event.data).includes('handle-send'));
    expect(sends).toHaveLength(3);
  });

  it('takes an id prefix of at least 4 characters', async () => {
    const id = await start('echo');
    expect(await api('POST', `/v1/actors/${id.slice(0, 8)}/messages`, { body: { text: 'x' } })).toEqual({
      status: 200,
      body: { delivered: true },
    });
  });

  it('refuses a body without exactly one of text, json or base64 (400 invalid-request), delivering nothing', async () => {
    const id = await start('echo');
    for (const body of [
      {},
      { text: 'a', base64: 'YQ==' },
      { text: 'a', json: 1 },
      { base64: 'not base64!' },
      { base64: 'YQ' },
      { other: 'x' },
      '[1]',
      '"text"',
      '{"text": ',
    ]) {
      const answer = await api('POST', `/v1/actors/${id}/messages`, { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'invalid-request' }, requestId: expect.any(String) });
    }
    expect(new TextDecoder().decode(server.system.get(id)?.state())).toBe('{"count":0}');
  });

  it('answers 404 actor-not-found for an unknown actor and for one that is stopped', async () => {
    const unknown = await api('POST', '/v1/actors/00000000-no-such-actor/messages', { body: { text: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'actor-not-found' } });
    const id = await start('echo');
    await api('DELETE', `/v1/actors/${id}`);
    const stopped = await api('POST', `/v1/actors/${id}/messages`, { body: { text: 'x' } });
    expect(stopped.status).toBe(404);
    expect(stopped.body).toMatchObject({ error: { code: 'actor-not-found' } });
  });

  it('answers 422 actor-failed when the actor fails handling the message', async () => {
    const id = await start('trapper');
    const answer = await api('POST', `/v1/actors/${id}/messages`, { body: { text: 'trap' } });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: { code: 'actor-failed' } });
  });

  it('answers 401 without the token and delivers nothing', async () => {
    const id = await start('echo');
    const answer = await api('POST', `/v1/actors/${id}/messages`, { body: { text: 'x' }, token: null });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(new TextDecoder().decode(server.system.get(id)?.state())).toBe('{"count":0}');
  });
});

describe('POST /v1/actors/:id/requests', () => {
  it('answers with the reply in base64, for text, JSON and base64 payloads', async () => {
    const id = await start('echo');
    expect(text((await api('POST', `/v1/actors/${id}/requests`, { body: { text: 'hi' } })).body['reply'])).toBe('echo:hi');
    expect(text((await api('POST', `/v1/actors/${id}/requests`, { body: { json: { a: [1, 'b'] } } })).body['reply'])).toBe(
      'echo:{"a":[1,"b"]}',
    );
    const bytes = (await api('POST', `/v1/actors/${id}/requests`, { body: { base64: Buffer.from([0xff, 0x00]).toString('base64') } })).body[
      'reply'
    ];
    expect([...Buffer.from(String(bytes), 'base64')]).toEqual([...Buffer.from('echo:'), 0xff, 0x00]);
  });

  it('refuses a malformed body (400), an unknown actor (404) and a missing token (401)', async () => {
    const id = await start('echo');
    expect((await api('POST', `/v1/actors/${id}/requests`, { body: { json: 1, base64: 'YQ==' } })).status).toBe(400);
    expect((await api('POST', '/v1/actors/no-such-actor/requests', { body: { text: 'x' } })).body).toMatchObject({
      error: { code: 'actor-not-found' },
    });
    expect((await api('POST', `/v1/actors/${id}/requests`, { body: { text: 'x' }, token: 'wrong' })).status).toBe(401);
  });

  it('answers 504 request-timeout when the actor does not answer within its call timeout', async () => {
    const id = await start('spinner');
    const answer = await api('POST', `/v1/actors/${id}/requests`, { body: { text: 'spin' } });
    expect(answer.status).toBe(504);
    expect(answer.body).toMatchObject({ error: { code: 'request-timeout' } });
  });

  it('answers 503 mailbox-full when the actor cannot queue the request', async () => {
    const id = await start('probe', (toml) => toml.replace('[limits]\n', '[limits]\nmailbox = 1\n'));
    const running = api('POST', `/v1/actors/${id}/requests`, { body: { text: 'sleep 500' } });
    const queued = api('POST', `/v1/actors/${id}/requests`, { body: { text: 'sleep 1' } });
    // Give both time to reach the actor before the third.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refused = await api('POST', `/v1/actors/${id}/requests`, { body: { text: 'now' } });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'mailbox-full' } });
    expect(text((await running).body['reply'])).toBe('slept');
    expect(text((await queued).body['reply'])).toBe('slept');
  });
});

describe('an actor not granted message-server', () => {
  it('answers 400 permission-denied naming the grant to a message and a request, and delivers nothing', async () => {
    const id = await start('small', (toml) => toml.replace('[[handler]]\ntype = "message-server"\n', ''));
    const refusal = {
      code: 'permission-denied',
      message: `actor small (${id}) receives no messages: its manifest does not grant the message-server handler (grant it with [[handler]] type = "message-server")`,
    };
    const before = await server.system.events(id);
    for (const route of ['messages', 'requests']) {
      const answer = await api('POST', `/v1/actors/${id}/${route}`, { body: { text: 'x' } });
      expect(answer.status, route).toBe(400);
      expect(answer.body).toMatchObject({ error: refusal });
    }
    expect(await server.system.events(id)).toEqual(before);
  });
});

describe('the OpenAPI description', () => {
  it('describes the message, request and channel routes with their payload body', async () => {
    const { body } = await api('GET', '/v1/openapi.json');
    const paths = body['paths'] as Record<string, Record<string, { summary?: string; requestBody?: unknown }>>;
    expect(paths['/v1/actors/{id}/messages']?.['post']).toMatchObject({ summary: expect.any(String), requestBody: { required: true } });
    expect(paths['/v1/actors/{id}/requests']?.['post']).toMatchObject({ summary: expect.any(String) });
    expect(paths['/v1/actors/{id}/channel']?.['get']?.summary).toMatch(/WebSocket/u);
  });
});

describe('concurrency', () => {
  it('serves 50 concurrent clients, each with its own actor, none lost and none held up by a slow actor', async () => {
    // The slow actor sleeps 3 s, well past any call's latency on a loaded 2-core machine (a 1 s sleep once was not:
    // 50 fresh actors' first calls there took up to 1.5 s with no slow actor at all).
    const sleepMs = 3000;
    const slow = await start('probe', (toml) =>
      toml.replace('max_sleep_ms = 1000', `max_sleep_ms = ${sleepMs}`).replace('call_timeout_ms = 5000', 'call_timeout_ms = 10000'),
    );
    const clients = 50;
    const sendsEach = 5;
    const ids = await Promise.all(Array.from({ length: clients }, () => start('small')));

    // The slow actor sleeps per request, back to back, until the clients are done.
    let clientsDone = false;
    const slowLatencies: number[] = [];
    const keepSlowBusy = (async () => {
      while (!clientsDone) {
        const began = performance.now();
        const answer = await api('POST', `/v1/actors/${slow}/requests`, { body: { text: `sleep ${sleepMs}` } });
        expect(text(answer.body['reply'])).toBe('slept');
        slowLatencies.push(performance.now() - began);
      }
    })();
    // Let its first sleep begin.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const latencies: number[] = [];
    const timed = async (call: () => Promise<Answer>): Promise<Answer> => {
      const began = performance.now();
      const answer = await call();
      latencies.push(performance.now() - began);
      return answer;
    };
    const counts = await Promise.all(
      ids.map(async (id) => {
        for (let index = 0; index < sendsEach; index += 1) {
          expect((await timed(() => api('POST', `/v1/actors/${id}/messages`, { body: { text: 'tick' } }))).body).toEqual({
            delivered: true,
          });
        }
        // small replies to a request with its state: a little-endian u32 counter.
        const reply = (await timed(() => api('POST', `/v1/actors/${id}/requests`, { body: { text: 'count' } }))).body['reply'];
        return Buffer.from(String(reply), 'base64').readUInt32LE(0);
      }),
    );
    clientsDone = true;
    const slowStillBusy = slowLatencies.length === 0;
    await keepSlowBusy;

    expect(counts).toEqual(Array.from({ length: clients }, () => sendsEach));
    expect(latencies).toHaveLength(clients * (sendsEach + 1));
    // No call waited for the slow actor's sleep.
    expect(Math.max(...latencies)).toBeLessThan(sleepMs);
    expect(slowLatencies.every((latency) => latency >= sleepMs)).toBe(true);
    // Either the clients finished inside the slow actor's first sleep, or they overlapped later ones.
    expect(slowStillBusy || slowLatencies.length >= 1).toBe(true);
  }, 120_000);
});
