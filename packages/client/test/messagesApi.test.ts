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
  home = await mkdtemp(join(tmpdir(), 'theater-client-messages-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('client.messages', () => {
  it('sends text, bytes and JSON, each committed when send resolves', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    await client.messages.send(id, 'hello');
    await client.messages.send(id, new Uint8Array([1, 2, 3]));
    await client.messages.send(id, { json: { add: 1 } });
    expect(decode((await client.actors.state(id))!)).toBe('{"count":3}');
  });

  it('requests and resolves with the reply bytes', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    expect(decode(await client.messages.request(id.slice(0, 6), 'hi'))).toBe('echo:hi');
    expect(decode(await client.messages.request(id, { json: [1, null] }))).toBe('echo:[1,null]');
    expect([...(await client.messages.request(id, new Uint8Array([0, 255])))]).toEqual([...new TextEncoder().encode('echo:'), 0, 255]);
  });

  it("rejects with the server's code: an unknown actor, a timeout", async () => {
    await expect(client.messages.send('no-such-actor', 'x')).rejects.toMatchObject({
      name: 'TheaterApiError',
      code: 'actor-not-found',
      status: 404,
    });
    await expect(client.messages.request('no-such-actor', 'x')).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });
    const { id } = await client.actors.start({ path: testActorManifest('spinner') });
    await expect(client.messages.request(id, 'spin')).rejects.toMatchObject({ code: 'request-timeout', status: 504 });
  });
});
