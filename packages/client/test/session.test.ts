/** The session WebSocket (`/v1/session`) through the client, and the refusals a raw socket meets. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorComponent } from '@theater/test-actors';
import { TheaterClient, isTheaterApiError } from '../src/index.js';

let home: string;
let server: TheaterServer;
let client: TheaterClient;

const toml = (name: string, component: 'echo' | 'small'): string =>
  `name = "${name}"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent(component))}\n[[handler]]\ntype = "runtime"\n[[handler]]\ntype = "message-server"\n`;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-client-session-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

/** Opens a raw WebSocket and resolves with the HTTP status of a refused upgrade (or 101 when it opens). */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

describe('a session', () => {
  it('carries many requests and sends at once, each answered by its own id', async () => {
    const echo = await client.actors.start({ toml: toml('echo', 'echo') });
    const small = await client.actors.start({ toml: toml('small', 'small') });
    const session = await client.openSession();
    try {
      const replies = await Promise.all(Array.from({ length: 200 }, (_, index) => session.request(echo.id, `ping ${index}`)));
      expect(replies.map((reply) => new TextDecoder().decode(reply))).toEqual(
        Array.from({ length: 200 }, (_, index) => `echo:ping ${index}`),
      );
      await Promise.all(Array.from({ length: 50 }, () => session.send(small.id.slice(0, 8), new Uint8Array([1]))));
      expect(Buffer.from(await session.request(small.id, { json: 'count' })).readUInt32LE(0)).toBe(50);
      const refused = await session.request('ffffffff-0000', 'x').catch((error: unknown) => error);
      expect(isTheaterApiError(refused, 'actor-not-found')).toBe(true);
    } finally {
      session.close();
    }
  });

  it('answers a malformed frame with invalid-request and keeps serving', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/session`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    socket.send('not json');
    socket.send(JSON.stringify({ id: 7, op: 'delete', actor: 'x', text: 'y' }));
    socket.send(JSON.stringify({ id: 8, op: 'send', actor: 'x', text: 'y', base64: 'AA==' }));
    await expect.poll(() => frames.length).toBe(3);
    expect(frames).toEqual([
      { id: null, error: { code: 'invalid-request', message: expect.any(String) } },
      { id: 7, error: { code: 'invalid-request', message: expect.any(String) } },
      { id: 8, error: { code: 'invalid-request', message: 'a payload needs exactly one of text, json or base64' } },
    ]);
    socket.close();
  });

  it('refuses an upgrade without the token (401) or from a foreign origin (403), and opens with both right', async () => {
    expect(await upgradeStatus('/v1/session', {})).toBe(401);
    expect(await upgradeStatus('/v1/session', { authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus('/v1/session', { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus('/v1/session', { authorization: `Bearer ${server.token}` })).toBe(101);
    // The server closes the socket of a refused upgrade (it would otherwise stay open, pinned by whoever has no token).
    const { port } = new URL(server.url);
    const raw = connect(Number(port), '127.0.0.1');
    let answer = '';
    raw.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    raw.write(
      'GET /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await new Promise((resolve) => raw.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /u);
    const refused = await new TheaterClient({ url: server.url, token: 'wrong' }).openSession().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'unauthorized', status: 401 });
  });
});
