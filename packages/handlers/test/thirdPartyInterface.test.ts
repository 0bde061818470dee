/**
 * A capability with an interface of its own: a handler defined only in this file brings `example:bells/bell`, an
 * interface of another package that no kernel file and no built-in handler knows, and the `bell` test actor (which
 * imports it) runs, records and replays with it. The handler's `interfaces` is all the kernel needs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import {
  createActorSystem,
  defineHandler,
  handlerType,
  HostCallError,
  HandlerRegistry,
  integer,
  parseManifest,
  table,
  type ActorSystem,
  type HandlerDefinition,
  type Manifest,
} from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers } from '../src/index.js';

const BELL = 'example:bells/bell';

/** A bell that counts its rings, up to `max_rings` in all. */
const bellHandler = defineHandler({
  type: 'bell',
  description: `A bell that counts its rings (${BELL}).`,
  config: table({
    type: handlerType('bell'),
    max_rings: integer('positive').default(10).describe('How many rings the actor may make in all.'),
  }).transform((v) => ({ type: 'bell' as const, maxRings: v.max_rings })),
  provides: [BELL],
  requiredExports: {},
  // As jco types `ring: func(times: u32) -> u32`, the way the kernel's own table describes theater:simple.
  interfaces: {
    [BELL]: { functions: { ring: 'ring' }, fallible: [], declarations: { ring: 'function ring(times: number): number;' } },
  },
  create({ config }) {
    let rung = 0;
    return {
      [BELL]: {
        ring(times: number): number {
          if (rung + times > config.maxRings) throw new HostCallError(`the bell may ring ${config.maxRings} times`);
          rung += times;
          return rung;
        },
      },
    };
  },
});

const manifestsDir = dirname(testActorManifest('bell'));
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const u32 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);

async function withSystem(handlers: readonly HandlerDefinition[], run: (system: ActorSystem) => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'theater-handlers-'));
  const system = createActorSystem({ handlers, home, poolSize: 1 });
  try {
    await run(system);
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** The bell actor's manifest, with `grant` appended (a `[[handler]]` table, or nothing). */
async function bellManifest(system: ActorSystem, grant: string): Promise<Manifest> {
  const original = await readFile(testActorManifest('bell'), 'utf8');
  return parseManifest(`${original}\n${grant}`, { handlers: system.handlers, baseDir: manifestsDir, source: 'bell.toml' });
}

describe('a handler bringing an interface of its own', () => {
  it('serves an actor importing it: the calls are answered, recorded in the chain, and replayed from it', async () => {
    await withSystem([...defaultHandlers(), bellHandler], async (system) => {
      const bell = await system.spawn(await bellManifest(system, '[[handler]]\ntype = "bell"\nmax_rings = 2'));
      expect(u32(await bell.request(text('ring')))).toBe(1);
      expect(u32(await bell.request(text('ring')))).toBe(2);
      // The third ring is refused by the handler: an err the guest cannot lower, so the actor fails.
      await expect(bell.request(text('ring'))).rejects.toMatchObject({ code: 'actor-failed' });
      const calls = (await system.events(bell.id)).filter((event) => event.type === `${BELL}.ring`);
      expect(calls.map((event) => decodeEventData(event.data))).toEqual([
        { args: [1], result: 1 },
        { args: [1], result: 2 },
        { args: [1], error: 'the bell may ring 2 times' },
      ]);
      const replayed = await system.replay(bell.id);
      expect(replayed).toMatchObject({ ok: true, events: (await system.events(bell.id)).length, divergence: undefined });
    });
  });

  it('is needed to grant the import: without it the component is refused before it runs', async () => {
    await withSystem([...defaultHandlers(), bellHandler], async (system) => {
      await expect(system.spawn(await bellManifest(system, ''))).rejects.toMatchObject({
        code: 'import-not-granted',
        message: `the component imports ${BELL}, which its manifest does not grant (grant it with [[handler]] type = "bell")`,
      });
    });
    await withSystem(defaultHandlers(), async (system) => {
      await expect(system.spawn(await bellManifest(system, ''))).rejects.toMatchObject({
        code: 'import-not-granted',
        message: `the component imports ${BELL}, which its manifest does not grant (no handler provides it)`,
      });
    });
  });

  it('checks the component against its description exactly, and may not describe an interface already described', async () => {
    const wrong = defineHandler({
      ...bellHandler,
      interfaces: {
        [BELL]: { functions: { ring: 'ring' }, fallible: [], declarations: { ring: 'function ring(times: bigint): number;' } },
      },
    });
    await withSystem([...defaultHandlers(), wrong], async (system) => {
      await expect(system.spawn(await bellManifest(system, '[[handler]]\ntype = "bell"'))).rejects.toMatchObject({
        code: 'import-mismatch',
        message: `${BELL}#ring has the wrong type: expected \`function ring(times: bigint): number;\`, found \`function ring(times: number): number;\``,
      });
    });
    const runtime = defaultHandlers().find((handler) => handler.type === 'runtime')!;
    expect(
      () =>
        new HandlerRegistry([
          { ...bellHandler, interfaces: { 'theater:simple/runtime': { functions: {}, fallible: [], declarations: {} } } },
          runtime,
        ]),
    ).toThrow('handler "bell" describes theater:simple/runtime, which theater:simple already describes');
    expect(() => new HandlerRegistry([bellHandler, { ...bellHandler, type: 'bell-2' }])).toThrow(
      `handler "bell-2" describes ${BELL}, which another handler definition already describes`,
    );
  });
});
