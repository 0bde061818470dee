import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorManifest } from '@theater/test-actors';
import { TheaterClient } from '../src/index.js';

let home: string;
let server: TheaterServer;
let client: TheaterClient;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-client-channels-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function messenger(): Promise<string> {
  return (await client.actors.start({ path: testActorManifest('messenger') })).id;
}

/** What the messenger actor has received (opens, messages, closes), in order. */
async function log(actorId: string): Promise<string[]> {
  return JSON.parse(decode(await client.messages.request(actorId, 'log'))) as string[];
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the condition did not hold within 5 s');
}

describe('client.channels', () => {
  it('opens a channel with its welcome, sends in order, and iterates what the actor sends until it closes', async () => {
    const actor = await messenger();
    const channel = await client.channels.open(actor, 'hi');
    expect(channel.id).toMatch(/^[0-9a-f-]{36}$/u);
    expect(decode(channel.welcome!)).toBe('welcome');
    for (const message of ['one', 'two', { json: { three: 3 } }] as const) channel.send(message);
    await eventually(async () => (await log(actor)).filter((entry) => entry.startsWith('msg')).length === 3);
    expect((await log(actor)).filter((entry) => entry.startsWith('msg'))).toEqual([
      `msg ${channel.id} one`,
      `msg ${channel.id} two`,
      `msg ${channel.id} {"three":3}`,
    ]);

    await client.messages.request(actor, `chan ${channel.id} first`);
    await client.messages.request(actor, `chan ${channel.id} second`);
    await client.messages.request(actor, `close ${channel.id}`);
    const received: string[] = [];
    for await (const message of channel) received.push(decode(message));
    expect(received).toEqual(['first', 'second']);
    expect(await channel.closed).toEqual({ by: 'actor' });
    expect(() => channel.send('late')).toThrow(expect.objectContaining({ code: 'channel-closed' }));
  });

  it('closes from the client: the actor is told, iteration ends, close is idempotent', async () => {
    const actor = await messenger();
    const channel = await client.channels.open(actor);
    const iteration = (async () => {
      const received: Uint8Array[] = [];
      for await (const message of channel) received.push(message);
      return received;
    })();
    await channel.close();
    await channel.close();
    expect(await iteration).toEqual([]);
    expect(await channel.closed).toEqual({ by: 'client' });
    await eventually(async () => (await log(actor)).includes(`close ${channel.id}`));
  });

  it('closes with await using', async () => {
    const actor = await messenger();
    let id: string;
    {
      await using channel = await client.channels.open(actor, new Uint8Array([104, 105]));
      id = channel.id;
    }
    await eventually(async () => (await log(actor)).includes(`close ${id}`));
    expect(await log(actor)).toContain(`open ${id} hi`);
  });

  it('ends iteration when the actor stops', async () => {
    const actor = await messenger();
    const channel = await client.channels.open(actor);
    await client.actors.stop(actor);
    const received: Uint8Array[] = [];
    for await (const message of channel) received.push(message);
    expect(received).toEqual([]);
    expect(await channel.closed).toEqual({ by: 'actor' });
  });

  it("rejects the open with the server's code: rejected, unknown actor, wrong token", async () => {
    const actor = await messenger();
    await expect(client.channels.open(actor, 'reject')).rejects.toMatchObject({ name: 'TheaterApiError', code: 'channel-rejected' });
    await expect(client.channels.open('no-such-actor')).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });
    const stranger = new TheaterClient({ url: server.url, token: 'wrong' });
    await expect(stranger.channels.open(actor)).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect((await log(actor)).filter((entry) => entry.startsWith('open'))).toHaveLength(1);
  });

  it('rejects iteration with network-error when the server goes away', async () => {
    const otherHome = await mkdtemp(join(tmpdir(), 'theater-client-channels-cut-'));
    const other = await startTheaterServer({ home: otherHome });
    try {
      const otherClient = new TheaterClient({ url: other.url, token: other.token });
      const { id } = await otherClient.actors.start({ path: testActorManifest('messenger') });
      const channel = await otherClient.channels.open(id);
      const iteration = (async () => {
        for await (const message of channel) void message;
      })().then(
        () => 'ended',
        (error: unknown) => error,
      );
      await other.close();
      const closed = await channel.closed;
      // The server closes its sockets before it stops its actors: the cut comes first.
      expect(closed).toMatchObject({ by: 'connection', error: { code: 'network-error' } });
      expect(await iteration).toMatchObject({ code: 'network-error' });
    } finally {
      await other.close().catch(() => {});
      await rm(otherHome, { recursive: true, force: true });
    }
  });
});
