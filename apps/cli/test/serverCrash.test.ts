/**
 * `kill -9` of `theater server` during a load of acknowledged sends, then `theater server --resume`: every
 * acknowledged message is in its actor's chain, the actors answer with their committed state under the same ids, a
 * supervised child comes back under its parent, and every chain verifies.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { decodeEventData, openChainStore, verifyChain } from '@theater/event-chain';
import { resolveTheaterHome } from '@theater/kernel';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { startServerProcess, type ServerProcess } from './helpers/serverProcess.js';
import { createTempDir } from './helpers/tempDir.js';

const smallToml = `name = "small"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent('small'))}\n[[handler]]\ntype = "runtime"\n[[handler]]\ntype = "message-server"\n`;
const testActorsDir = dirname(dirname(testActorManifest('overseer')));
const overseerToml = (await readFile(testActorManifest('overseer'), 'utf8')).replace('"../dist/overseer.wasm"', '"dist/overseer.wasm"');

const ACTORS = 3;
/** Sends in flight per actor. */
const IN_FLIGHT = 4;
/** Acknowledged sends (over all actors) after which the server is killed. */
const KILL_AFTER = 120;

async function startActor(server: ServerProcess, body: object): Promise<string> {
  const { status, body: answer } = await server.api<{ actor: { id: string } }>('POST', '/v1/actors', body);
  expect(status).toBe(201);
  return answer.actor.id;
}

async function request(server: ServerProcess, id: string, text: string): Promise<Buffer> {
  const { status, body } = await server.api<{ reply: string }>('POST', `/v1/actors/${id}/requests`, { text });
  expect(status).toBe(200);
  return Buffer.from(body.reply, 'base64');
}

describe('a server killed with SIGKILL', () => {
  it('loses nothing it acknowledged: --resume brings every actor back with its committed state and chain', async () => {
    const home = await createTempDir('server-crash');
    onTestFinished(home.remove);
    const first = await startServerProcess(home.path);
    const counters = [];
    for (let index = 0; index < ACTORS; index++) counters.push(await startActor(first, { toml: smallToml }));
    const parent = await startActor(first, { toml: overseerToml, baseDir: testActorsDir });
    const child = (await request(first, parent, 'spawn manifests/trapper.toml')).toString();
    expect(child).toMatch(/^[0-9a-f-]{36}$/u);

    // Each actor gets IN_FLIGHT senders; every 200 answer is an acknowledged message.
    const acked = new Map(counters.map((id) => [id, 0]));
    let total = 0;
    let killed = false;
    const sender = async (id: string): Promise<void> => {
      while (!killed) {
        try {
          const { status } = await first.api('POST', `/v1/actors/${id}/messages`, { text: 'tick' });
          if (status !== 200) throw new Error(`send answered ${status}`);
        } catch (error) {
          if (killed) return; // the connection died with the server: not acknowledged
          throw error;
        }
        acked.set(id, acked.get(id)! + 1);
        if (++total >= KILL_AFTER && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(counters.flatMap((id) => Array.from({ length: IN_FLIGHT }, () => sender(id))));
    expect(await first.stop()).toBeNull();

    const second = await startServerProcess(home.path, ['--resume']);
    try {
      const { body: listed } = await second.api<{ actors: { id: string; status: string; parentId: string | null }[] }>('GET', '/v1/actors');
      expect(new Set(listed.actors.map((actor) => actor.id))).toEqual(new Set([...counters, parent, child]));
      expect(listed.actors.every((actor) => actor.status === 'running')).toBe(true);
      expect(listed.actors.find((actor) => actor.id === child)?.parentId).toBe(parent);
      const committed = new Map<string, number>();
      for (const id of counters) {
        const count = (await request(second, id, 'count')).readUInt32LE(0);
        // Sends in flight at the kill may have been committed without their answer arriving: never fewer.
        expect(count).toBeGreaterThanOrEqual(acked.get(id)!);
        committed.set(id, count);
      }
      expect((await request(second, parent, 'children')).toString()).toBe(JSON.stringify([child]));
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }

    // With the server stopped, the store is free: every chain verifies and holds each acknowledged send.
    const { dbDir, chainLogDir } = resolveTheaterHome(home.path);
    const store = await openChainStore(dbDir, { log: { dir: chainLogDir } });
    try {
      for (const id of [...counters, parent, child]) {
        const events = await store.read(id);
        expect(await verifyChain(events)).toEqual({ ok: true, events: events.length });
        expect(events.filter((event) => event.type === 'actor.restart')).toHaveLength(1);
      }
      for (const id of counters) {
        const sends = (await store.read(id)).filter(
          (event) => event.type === 'wasm.call' && (decodeEventData(event.data) as { function?: string }).function === 'handle-send',
        );
        expect(sends.length).toBeGreaterThanOrEqual(acked.get(id)!);
      }
    } finally {
      await store.close();
    }
  });
});
