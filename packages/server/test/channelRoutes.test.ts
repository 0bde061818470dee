import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket as WebSocketType } from '@fastify/websocket';
import { testActorManifest } from '@theater/test-actors';
import { startTheaterServer, type ActorView, type TheaterServer } from '../src/index.js';

// The `ws` client @fastify/websocket itself uses (the server has no direct dependency on it).
const WebSocket = createRequire(createRequire(import.meta.url).resolve('@fastify/websocket'))('ws') as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocketType;

let home: string;
let server: TheaterServer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-server-channels-'));
  server = await startTheaterServer({ home });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

type Frame = { type: string; [key: string]: unknown };

/** A connected socket and the frames it receives, in order. */
interface Connection {
  readonly socket: WebSocketType;
  next(): Promise<Frame>;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  send(frame: unknown): void;
}

function connect(actorId: string, headers: Record<string, string> = { authorization: `Bearer ${server.token}` }): Promise<Connection> {
  const socket = new WebSocket(`${server.url.replace(/^http/u, 'ws')}/v1/actors/${actorId}/channel`, { headers });
  const frames: Frame[] = [];
  const waiting: ((frame: Frame) => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    const waiter = waiting.shift();
    if (waiter === undefined) frames.push(frame);
    else waiter(frame);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        closed,
        next: () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise((settle) => waiting.push(settle))),
        send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
      }),
    );
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      // The server closes a refused upgrade's connection itself; this test never does.
      const closedByServer = new Promise((settle) => response.socket.once('close', settle));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`refused: ${response.statusCode}`), {
            status: response.statusCode,
            body: JSON.parse(body) as unknown,
            closedByServer,
          }),
        ),
      );
    });
    socket.once('error', reject);
  });
}

async function api(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, unknown>;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const text = (base64: unknown): string => Buffer.from(String(base64), 'base64').toString('utf8');

async function startMessenger(): Promise<string> {
  return ((await api('POST', '/v1/actors', { path: testActorManifest('messenger') }))['actor'] as ActorView).id;
}

/** Asks the messenger actor (a text request) and returns its reply. */
async function ask(actorId: string, request: string): Promise<string> {
  return text((await api('POST', `/v1/actors/${actorId}/requests`, { text: request }))['reply']);
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the condition did not hold within 5 s');
}

describe('GET /v1/actors/:id/channel', () => {
  it("opens a channel with the actor's welcome, carries messages both ways, and closes it on a close frame", async () => {
    const actor = await startMessenger();
    const connection = await connect(actor.slice(0, 8));
    connection.send({ type: 'open', base64: b64('hi') });
    const opened = await connection.next();
    expect(opened).toEqual({ type: 'opened', channelId: expect.any(String), welcome: b64('welcome') });
    const channelId = String(opened['channelId']);

    connection.send({ type: 'message', base64: b64('to the actor') });
    expect(await ask(actor, `chan ${channelId} to the client`)).not.toMatch(/^error/u);
    // The welcome came in `opened` only: the first message is the actor's.
    expect(await connection.next()).toEqual({ type: 'message', base64: b64('to the client') });
    const log = JSON.parse(await ask(actor, 'log')) as string[];
    expect(log).toEqual(expect.arrayContaining([`open ${channelId} hi`, `msg ${channelId} to the actor`]));

    connection.send({ type: 'close' });
    expect(await connection.closed).toBe(1000);
    await eventually(async () => (JSON.parse(await ask(actor, 'log')) as string[]).includes(`close ${channelId}`));
  });

  it('sends closed and closes the socket when the actor closes the channel', async () => {
    const actor = await startMessenger();
    const connection = await connect(actor);
    connection.send({ type: 'open', base64: b64('') });
    const { channelId } = await connection.next();
    await ask(actor, `close ${String(channelId)}`);
    expect(await connection.next()).toEqual({ type: 'closed' });
    expect(await connection.closed).toBe(1000);
  });

  it('sends closed and closes the socket when the actor stops', async () => {
    const actor = await startMessenger();
    const connection = await connect(actor);
    connection.send({ type: 'open', base64: b64('') });
    expect((await connection.next())['type']).toBe('opened');
    await api('DELETE', `/v1/actors/${actor}`);
    expect(await connection.next()).toEqual({ type: 'closed' });
    expect(await connection.closed).toBe(1000);
  });

  it('answers a rejected open with an error frame and closes the socket', async () => {
    const actor = await startMessenger();
    const connection = await connect(actor);
    connection.send({ type: 'open', base64: b64('reject') });
    expect(await connection.next()).toEqual({ type: 'error', error: { code: 'channel-rejected', message: expect.any(String) } });
    expect(await connection.closed).toBe(1000);
  });

  it('answers malformed frames with invalid-request error frames and keeps the socket usable', async () => {
    const actor = await startMessenger();
    const connection = await connect(actor);
    const invalid = { type: 'error', error: { code: 'invalid-request', message: expect.any(String) } };
    for (const frame of [
      'not json',
      '[1]',
      'null',
      { type: 'shout' },
      { type: 'open' },
      { type: 'open', base64: '!!' },
      { type: 'message', base64: b64('early') },
    ]) {
      connection.send(frame);
      expect(await connection.next(), JSON.stringify(frame)).toEqual(invalid);
    }
    connection.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await connection.next()).toEqual(invalid);

    connection.send({ type: 'open', base64: b64('late') });
    const { channelId } = await connection.next();
    connection.send({ type: 'open', base64: b64('again') });
    expect(await connection.next()).toEqual(invalid);
    connection.send({ type: 'message', base64: b64('still open') });
    await eventually(async () => (JSON.parse(await ask(actor, 'log')) as string[]).includes(`msg ${String(channelId)} still open`));
    // Nothing sent before the open reached the actor.
    expect((JSON.parse(await ask(actor, 'log')) as string[]).some((entry) => entry.includes('early'))).toBe(false);
    connection.socket.close();
    await connection.closed;
  });

  it('closes the kernel channel when the socket drops without a close frame', async () => {
    const actor = await startMessenger();
    const connection = await connect(actor);
    connection.send({ type: 'open', base64: b64('') });
    const { channelId } = await connection.next();
    connection.socket.terminate();
    await eventually(async () => (JSON.parse(await ask(actor, 'log')) as string[]).includes(`close ${String(channelId)}`));
    expect(await ask(actor, `chan ${String(channelId)} anyone?`)).toMatch(/^error/u);
  });

  it('refuses the upgrade without the token (401), from a foreign origin (403) and for an unknown actor (404)', async () => {
    const actor = await startMessenger();
    await expect(connect(actor, {})).rejects.toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    await expect(connect(actor, { authorization: 'Bearer wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(connect(actor, { authorization: `Bearer ${server.token}`, origin: 'http://evil.example' })).rejects.toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden-origin' } },
    });
    await expect(connect('no-such-actor')).rejects.toMatchObject({ status: 404, body: { error: { code: 'actor-not-found' } } });
    // Each refused connection is closed by the server.
    const refused = await connect(actor, {}).catch((error: { closedByServer: Promise<unknown> }) => error);
    await (refused as { closedByServer: Promise<unknown> }).closedByServer;
    // None of them opened a channel.
    expect((JSON.parse(await ask(actor, 'log')) as string[]).filter((entry) => entry.startsWith('open'))).toEqual([]);
  });

  it('answers a plain GET (no upgrade) with a structured error', async () => {
    const actor = await startMessenger();
    const response = await fetch(`${server.url}/v1/actors/${actor}/channel`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid-request' } });
  });
});
