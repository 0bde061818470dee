import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { TheaterClient } from '../src/index.js';

let home: string;
let server: TheaterServer;
let client: TheaterClient;
let actorId: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-client-chain-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
  const actor = await server.system.spawn(testActorManifest('echo'));
  actorId = actor.id;
  await actor.send(new TextEncoder().encode('hello'));
  await server.system.stop(actorId);
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

describe('client.chain', () => {
  it('verifies a chain, and fails it against a key that did not sign it', async () => {
    const events = (await server.system.events(actorId)).length;
    expect(await client.chain.verify(actorId.slice(0, 8))).toEqual({ ok: true, actor: actorId, events, checkpoints: 1, unsignedEvents: 0 });
    expect(await client.chain.verify(actorId, { trust: [new Uint8Array(32).fill(7)] })).toMatchObject({ ok: false, actor: actorId });
  });

  it('exports the chain file in chunks, byte for byte what the store exports', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of client.chain.export(actorId)) chunks.push(chunk);
    const expected: Uint8Array[] = [];
    for await (const chunk of server.system.exportChain(actorId)) expected.push(chunk);
    expect(Buffer.concat(chunks).equals(Buffer.concat(expected))).toBe(true);
    expect(Buffer.concat(chunks).includes(Buffer.from(actorId))).toBe(true);
  });

  it('replays a chain, and shows where another component diverges', async () => {
    expect(await client.chain.replay(actorId)).toMatchObject({ ok: true, actorId, divergence: null });
    const other = await client.chain.replay(actorId, { componentPath: testActorComponent('keeper') });
    expect(other.ok).toBe(false);
    expect(other.divergence).toMatchObject({ index: expect.any(Number) as unknown, reason: expect.any(String) as unknown });
  });

  it("throws the server's errors", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(client.chain.verify(unknown)).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });
    await expect(client.chain.export(unknown).next()).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });
    await expect(client.chain.replay(unknown)).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });
    await expect(client.chain.verify(actorId, { trust: ['nothex'] })).rejects.toMatchObject({ code: 'invalid-request', status: 400 });
  });
});
