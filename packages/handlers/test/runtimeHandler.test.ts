import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEventData } from '@theater/event-chain';
import { createActorSystem, loadManifest, systemClock, type ActorSystem } from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, runtimeHandler } from '../src/index.js';
import { bareContext } from './bareContext.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

async function system(): Promise<ActorSystem> {
  const home = await mkdtemp(join(tmpdir(), 'theater-handlers-'));
  const created = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1 });
  const close = created.close;
  return Object.assign(created, {
    close: async () => {
      await close();
      await rm(home, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: async () => {
      await close();
      await rm(home, { recursive: true, force: true });
    },
  });
}

describe('runtime handler', () => {
  it('delivers log lines as inspection events and records them with their text', async () => {
    await using theater = await system();
    const logs: string[] = [];
    theater.inspect((event) => event.type === 'actor.log' && logs.push(event.message));
    const echo = await theater.spawn(testActorManifest('echo'));
    await echo.send(text('hello'));
    expect(logs).toEqual([`init ${echo.id}`, 'got hello']);
    const recorded = (await echo.events()).filter((e) => e.type === 'theater:simple/runtime.log');
    expect(recorded.map((e) => decodeEventData(e.data))).toEqual([
      { args: [`init ${echo.id}`], result: null },
      { args: ['got hello'], result: null },
    ]);
  });

  it('answers get-state with the last committed state', async () => {
    await using theater = await system();
    const echo = await theater.spawn(testActorManifest('echo'), { initState: text('{"count":7}') });
    expect(decode(await echo.request(text('stored')))).toBe('{"count":7}');
    await echo.send(text('one'));
    expect(decode(await echo.request(text('stored')))).toBe('{"count":8}');
  });

  it('answers get-chain with the recorded events as WIT chain events', async () => {
    await using theater = await system();
    const echo = await theater.spawn(testActorManifest('echo'));
    const seen = JSON.parse(decode(await echo.request(text('chain-json')))) as { type: string; parent: number; hash: number; t: number }[];
    const recorded = (await echo.events()).slice(0, seen.length);
    expect(seen.map((e) => e.type)).toEqual(recorded.map((e) => e.type));
    expect(seen.map((e) => e.t)).toEqual(recorded.map((e) => e.time));
    expect(seen[0]).toMatchObject({ type: 'actor.spawn', parent: 0, hash: 32 });
    expect(seen.slice(1).every((e) => e.parent === 32 && e.hash === 32)).toBe(true);
  });

  it('stops the actor after the operation that called shutdown, with its data', async () => {
    await using theater = await system();
    const echo = await theater.spawn(testActorManifest('echo'));
    await echo.request(text('shutdown'));
    expect(await echo.exited).toEqual({ status: 'stopped', by: 'self', data: text('bye') });
    expect((await echo.events()).map((e) => e.type).slice(-3)).toEqual(['theater:simple/runtime.shutdown', 'wasm.result', 'actor.stop']);
  });

  it('provides exactly theater:simple/runtime', async () => {
    expect(runtimeHandler.provides).toEqual(['theater:simple/runtime']);
    const manifest = await loadManifest(testActorManifest('echo'), { handlers: defaultHandlers() });
    const host = runtimeHandler.create(bareContext(manifest, { type: 'runtime' }, systemClock));
    expect(Object.keys(host)).toEqual(['theater:simple/runtime']);
    expect(Object.keys(host['theater:simple/runtime'] ?? {}).sort()).toEqual(['getChain', 'getState', 'log', 'shutdown']);
  });
});
