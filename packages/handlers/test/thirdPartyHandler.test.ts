/**
 * A capability added from outside: a handler defined only in this file (its own config schema, provides, admit and
 * excess), registered beside the built-in ones, granted by a manifest, and called by a real actor. No kernel file
 * names it: the registry is all the kernel needs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import {
  HostCallError,
  KernelError,
  createActorSystem,
  defineHandler,
  handlerType,
  integer,
  isManifestError,
  manifestJsonSchema,
  parseManifest,
  permissionExcess,
  table,
  type ActorSystem,
  type HostInterfaces,
  type Manifest,
} from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers } from '../src/index.js';

type TimingHost = Pick<HostInterfaces, 'theater:simple/timing'>;

/** A clock stopped at `at_ms`: `now` never moves, and a sleep up to `max_sleep_ms` returns at once. */
const frozenClockHandler = defineHandler({
  type: 'frozen-clock',
  description: 'A clock stopped at one instant, for deterministic actors (theater:simple/timing).',
  config: table({
    type: handlerType('frozen-clock'),
    at_ms: integer('non-negative').describe('The instant the clock shows, in ms since the epoch; not in the future.'),
    max_sleep_ms: integer('non-negative').default(0).describe('The longest sleep the actor may ask for, in ms.'),
  }).transform((v) => ({ type: 'frozen-clock' as const, atMs: v.at_ms, maxSleepMs: v.max_sleep_ms })),
  provides: ['theater:simple/timing'],
  requiredExports: {},
  async admit({ config, field }) {
    if (config.atMs > Date.now()) throw new KernelError('invalid-grant', `${field('at_ms')}: a frozen clock may not show the future`);
  },
  excess(wanted, held) {
    return wanted.maxSleepMs > held.maxSleepMs ? `max_sleep_ms ${wanted.maxSleepMs} exceeds the parent's ${held.maxSleepMs}` : undefined;
  },
  create({ config }): TimingHost {
    const wait = (ms: bigint): void => {
      if (ms > BigInt(config.maxSleepMs)) throw new HostCallError(`permission-denied: a sleep of ${ms} ms is over ${config.maxSleepMs} ms`);
    };
    return {
      'theater:simple/timing': {
        now: () => BigInt(config.atMs),
        sleep: (durationMs) => wait(durationMs),
        deadline: (timestampMs) => wait(timestampMs - BigInt(config.atMs)),
      },
    };
  },
});

const AT_MS = 1_000_000;
const manifestsDir = dirname(testActorManifest('probe'));
/** A supervisor's children must lie in its directory: the test actors' root, holding `dist/`. */
const actorsDir = dirname(manifestsDir);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

async function withSystem(run: (system: ActorSystem) => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'theater-handlers-'));
  const system = createActorSystem({ handlers: [...defaultHandlers(), frozenClockHandler], home, poolSize: 1 });
  try {
    await run(system);
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** The probe's manifest with its `timing` grant swapped for a frozen clock. */
async function frozenProbe(system: ActorSystem, clock: string): Promise<Manifest> {
  const original = await readFile(testActorManifest('probe'), 'utf8');
  const swapped = original.replace('type = "timing"\nmax_sleep_ms = 1000', `type = "frozen-clock"\n${clock}`);
  expect(swapped).not.toBe(original);
  return parseManifest(swapped, { handlers: system.handlers, baseDir: manifestsDir, source: 'probe.toml' });
}

describe('a handler defined outside the kernel and the handlers package', () => {
  it('is validated by its own schema, named in the registry, and in the generated JSON Schema', async () => {
    await withSystem(async (system) => {
      expect(system.handlers.types()).toContain('frozen-clock');
      expect(system.handlers.providerOf('theater:simple/timing')?.type).toBe('timing');
      const error: unknown = await frozenProbe(system, 'at_ms = -1\nspeed = 2').catch((caught: unknown) => caught);
      expect(isManifestError(error)).toBe(true);
      expect((error as Error).message.split('\n')).toEqual([
        'probe.toml: handler[2].at_ms: expected a non-negative integer, got -1 (line 17)',
        'probe.toml: handler[2].speed: unknown key (expected one of type, at_ms, max_sleep_ms) (line 18)',
      ]);
      const variants = JSON.stringify(manifestJsonSchema(system.handlers));
      expect(variants).toContain('A clock stopped at one instant, for deterministic actors (theater:simple/timing).');
    });
  });

  it('serves a real actor: its host calls are answered and recorded in the chain', async () => {
    await withSystem(async (system) => {
      const probe = await system.spawn(await frozenProbe(system, `at_ms = ${AT_MS}\nmax_sleep_ms = 50`));
      expect(decode(await probe.request(text('now')))).toBe(String(AT_MS));
      expect(decode(await probe.request(text('sleep 50')))).toBe('slept');
      expect(decode(await probe.request(text('sleep 51')))).toBe('error:permission-denied: a sleep of 51 ms is over 50 ms');
      const calls = (await probe.events()).filter((event) => event.type.startsWith('theater:simple/timing.'));
      expect(calls.map((event) => [event.type, decodeEventData(event.data)])).toEqual([
        ['theater:simple/timing.now', { args: [], result: BigInt(AT_MS) }],
        ['theater:simple/timing.sleep', { args: [50n], result: null }],
        ['theater:simple/timing.sleep', { args: [51n], error: 'permission-denied: a sleep of 51 ms is over 50 ms' }],
      ]);
    });
  });

  it('admits a grant only when its admit says so, naming the field and its line', async () => {
    await withSystem(async (system) => {
      const future = await frozenProbe(system, `at_ms = ${Date.now() + 3_600_000}`);
      await expect(system.spawn(future)).rejects.toMatchObject({
        code: 'invalid-grant',
        message: 'handler[2].at_ms (line 17): a frozen clock may not show the future',
      });
    });
  });

  it('keeps a child within its parent through its excess: a child asking more is refused', async () => {
    await withSystem(async (system) => {
      const parentText = (await readFile(testActorManifest('probe'), 'utf8'))
        .replace('name = "probe"', 'name = "clockkeeper"')
        .replace('../dist/probe.wasm', 'dist/overseer.wasm')
        .replace(
          'type = "timing"\nmax_sleep_ms = 1000',
          `type = "frozen-clock"\nat_ms = ${AT_MS}\nmax_sleep_ms = 50\n\n[[handler]]\ntype = "supervisor"`,
        );
      const parentManifest = parseManifest(parentText, { handlers: system.handlers, baseDir: actorsDir });
      const parent = await system.spawn(parentManifest);
      const child = frozenChildText;
      const within = decode(await parent.request(text(`spawn ${child(20)}`)));
      expect(within).toMatch(/^[0-9a-f-]{36}$/u);
      expect(decode(await system.request(within, text('now')))).toBe(String(AT_MS));
      const wider = decode(await parent.request(text(`spawn ${child(500)}`)));
      expect(wider).toContain(
        'asks for more than its parent clockkeeper holds: handler "frozen-clock": max_sleep_ms 500 exceeds the parent\'s 50',
      );
      const asked = parseManifest(frozenChildText(500), { handlers: system.handlers, baseDir: actorsDir });
      expect(permissionExcess(asked, parentManifest, system.handlers)).toEqual([
        'handler "frozen-clock": max_sleep_ms 500 exceeds the parent\'s 50',
      ]);
    });
  });
});

/** A probe child's inline manifest with a frozen clock allowing sleeps up to `maxSleepMs`. */
function frozenChildText(maxSleepMs: number): string {
  return [
    'name = "frozen-child"',
    'version = "0.1.0"',
    'component = "dist/probe.wasm"',
    '[limits]',
    'call_timeout_ms = 5000',
    '[[handler]]',
    'type = "runtime"',
    '[[handler]]',
    'type = "message-server"',
    '[[handler]]',
    'type = "frozen-clock"',
    `at_ms = ${AT_MS}`,
    `max_sleep_ms = ${maxSleepMs}`,
    '[[handler]]',
    'type = "random"',
    'seed = 42',
    'max_bytes = 64',
    '[[handler]]',
    'type = "environment"',
  ].join('\n');
}
