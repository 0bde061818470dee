/**
 * `kill -9` at random moments (from THEATER_FUZZ_SEED) of a child process running an actor system, then the chain
 * store reopened: during cross-actor requests, no reply is recorded in the requester's chain without the request's
 * handling in the target's chain; during supervisor restarts, the restarted child's chain continues where it was.
 * Every chain verifies and replays (each incarnation, the last one cut wherever the kill came), and nothing
 * acknowledged is lost. The system appends to the home's chain log; the store is
 * reopened the way the kernel opens it, so what the kill left un-indexed is recovered from the log. Trials: 3 each
 * under `pnpm test`, more with THEATER_FUZZ_RUNS.
 */
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeEventData, openChainStore, verifyChain, type ChainEvent } from '@theater/event-chain';
import { testActorManifest } from '@theater/test-actors';
import { fuzzSeed, fuzzTrials } from '@theater/test-actors/fuzz';
import { createActorSystem } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { decode, tempDir, testActorsDir } from './helpers.js';

const kernel = pathToFileURL(fileURLToPath(new URL('../../packages/kernel/src/index.ts', import.meta.url))).href;
const handlers = pathToFileURL(fileURLToPath(new URL('../../packages/handlers/src/index.ts', import.meta.url))).href;

/** How long a child may take to acknowledge enough operations to be killed. */
const STALL_MS = 120_000;

/** A small seeded generator (mulberry32), so each trial's kill moment follows from the seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Killed {
  /** The highest operation number the child printed as done (-1: none). */
  readonly acked: number;
  readonly stderr: string;
}

/**
 * Runs `body` (a module run in a child process with `system` and `home` in scope) and SIGKILLs the child `delayMs`
 * after it has printed the `after`-th mark (`acked <n>` lines by default; `restarting <n>` for restarts).
 */
async function runAndKill(home: string, body: string, after: number, delayMs: number, mark = 'acked', systemOptions = ''): Promise<Killed> {
  const script = join(home, 'child.mts');
  await writeFile(
    script,
    `import { createActorSystem, loadManifest } from ${JSON.stringify(kernel)};
import { defaultHandlers } from ${JSON.stringify(handlers)};
const home = process.argv[2];
const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 2, ${systemOptions} });
const text = (value) => new TextEncoder().encode(value);
const decode = (bytes) => new TextDecoder().decode(bytes);
const ack = (i) => process.stdout.write('acked ' + i + '\\n');
${body}
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@theater/source', script, home], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acked = -1;
  let marked = -1;
  let stderr = '';
  let scheduled = false;
  // A child that stops acknowledging would leave the trial waiting forever.
  let stalled = false;
  const watchdog = setTimeout(() => {
    stalled = true;
    child.kill('SIGKILL');
  }, STALL_MS);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const match of chunk.matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(match[1]));
    for (const match of chunk.matchAll(new RegExp(`${mark} (\\d+)`, 'g'))) marked = Math.max(marked, Number(match[1]));
    if (marked >= after && !scheduled) {
      scheduled = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  const signal = await new Promise((resolve) => child.on('close', (_code, sig) => resolve(sig)));
  clearTimeout(watchdog);
  expect(stalled, `the child acknowledged only ${acked + 1} operations in ${STALL_MS} ms: ${stderr}`).toBe(false);
  expect(signal, stderr).toBe('SIGKILL');
  return { acked, stderr };
}

async function readChains(home: string): Promise<Map<string, ChainEvent[]>> {
  // The killed system appended its events to the chain log (what recovery reads), not to level.
  expect((await readdir(join(home, 'chain-log'))).some((name) => name.endsWith('.log'))).toBe(true);
  // Opened as the kernel opens a home: the level index brought up to date from the chain log the kill left.
  await using store = await openChainStore(join(home, 'db'), { log: { dir: join(home, 'chain-log') } });
  const chains = new Map<string, ChainEvent[]>();
  for (const actorId of await store.actors()) {
    const events: ChainEvent[] = [];
    for await (const event of store.stream(actorId)) events.push(event);
    chains.set(actorId, events);
  }
  return chains;
}

/** Replays each chain in a system of its own: every one matches, hash for hash. */
async function expectReplays(chains: ReadonlyMap<string, ChainEvent[]>): Promise<void> {
  await using home = await tempDir();
  await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
  for (const [id, events] of chains) {
    async function* recorded(): AsyncGenerator<ChainEvent> {
      yield* events;
    }
    const result = await system.replay(recorded());
    expect(result.divergence, `replay of ${id}`).toBeUndefined();
    expect(result).toMatchObject({ ok: true, events: events.length });
  }
}

type Data = Record<string, unknown>;
const dataOf = (event: ChainEvent): Data => decodeEventData(event.data) as Data;
const bytesText = (value: unknown): string => (value instanceof Uint8Array ? decode(value) : String(value));

/** Requester and target in workers of their own, and both in one shared worker (which answers the requests itself). */
const REQUEST_PLACEMENTS = [
  ['in workers of their own', ''],
  ['in one shared worker', "defaultIsolation: 'shared', schedulerWorkers: 1"],
] as const;

describe.each(REQUEST_PLACEMENTS)('kill -9 during cross-actor requests, actors %s', (placement, systemOptions) => {
  it(
    "never leaves a reply in the requester's chain without the request handled in the target's chain",
    async () => {
      const trials = fuzzTrials(`kill -9 during cross-actor requests, actors ${placement}`, 3, 100);
      for (let trial = 0; trial < trials; trial++) {
        const next = random(fuzzSeed() + trial);
        await using home = await tempDir();
        // Requests to the requester (a messenger) make it request the target (echo): two in flight at a time.
        const { acked } = await runAndKill(
          home.path,
          `const requester = await system.spawn(${JSON.stringify(testActorManifest('messenger'))}, { id: 'requester' });
await system.spawn(${JSON.stringify(testActorManifest('echo'))}, { id: 'target' });
let issued = 0;
async function worker() {
  for (;;) {
    const i = issued++;
    const reply = decode(await requester.request(text('ask target msg-' + i)));
    if (reply !== 'reply:echo:msg-' + i) throw new Error('unexpected reply ' + reply);
    ack(i);
  }
}
await Promise.all([worker(), worker()]);`,
          2 + Math.floor(next() * 40),
          Math.floor(next() * 40),
          'acked',
          systemOptions,
        );
        const chains = await readChains(home.path);
        const requester = chains.get('requester') ?? [];
        const target = chains.get('target') ?? [];
        for (const events of chains.values()) expect(await verifyChain(events)).toEqual({ ok: true, events: events.length });

        // What the target handled: each handle-request call with the reply its result recorded.
        const handled = new Map<string, string>();
        for (const [index, event] of target.entries()) {
          const data = dataOf(event);
          if (event.type !== 'wasm.call' || data['function'] !== 'handle-request') continue;
          const result = target[index + 1];
          if (result?.type !== 'wasm.result') continue;
          const message = bytesText((data['params'] as unknown[])[1]);
          handled.set(message, bytesText((dataOf(result)['output'] as unknown[])[0]));
        }
        // Every reply the requester's chain records was recorded by the target first.
        const replied: string[] = [];
        for (const event of requester) {
          if (event.type !== 'theater:simple/message-server-host.request') continue;
          const data = dataOf(event);
          const message = bytesText((data['args'] as unknown[])[1]);
          expect(data['error'], message).toBeUndefined();
          expect(handled.get(message), `the target's chain lacks the handling of ${message}`).toBe(bytesText(data['result']));
          replied.push(message);
        }
        // Nothing acknowledged is lost.
        for (let i = 0; i <= acked; i++) expect(replied).toContain(`msg-${i}`);
        // Each chain, cut wherever the kill came, replays hash for hash.
        await expectReplays(chains);
        console.info(
          `kill -9 trial ${trial}: ${acked + 1} acknowledged, ${replied.length} replies recorded, ${handled.size} handled by the target, ${Math.max(0, handled.size - replied.length)} handled without a recorded reply (in flight)`,
        );
      }
    },
    10 * 60_000,
  );
});

describe('kill -9 during supervisor restarts', () => {
  it(
    "keeps every chain verifiable and the restarted child's chain continuing from its committed state",
    async () => {
      const trials = fuzzTrials('kill -9 during restarts', 3, 100);
      for (let trial = 0; trial < trials; trial++) {
        const next = random(fuzzSeed() + 1000 + trial);
        await using home = await tempDir();
        // The overseer supervises a trapper (counts sends); it is restarted by request every third send (the kill comes
        // a few milliseconds after one), and made to trap (then restarted by its supervisor) every seventh.
        const { acked } = await runAndKill(
          home.path,
          `const manifest = await loadManifest(${JSON.stringify(testActorManifest('overseer'))}, { handlers: system.handlers });
// Restart intensity high enough that the traps never exhaust it.
const overseer = await system.spawn({ ...manifest, baseDir: ${JSON.stringify(testActorsDir)}, supervision: { ...manifest.supervision, maxRestarts: 1000 } }, { id: 'overseer' });
const child = decode(await overseer.request(text('spawn manifests/trapper.toml')));
process.stdout.write('child ' + child + '\\n');
for (let i = 0; ; i++) {
  await system.send(child, text('one'));
  ack(i);
  if (i % 3 === 2) {
    process.stdout.write('restarting ' + Math.floor(i / 3) + '\\n');
    const done = decode(await overseer.request(text('restart ' + child)));
    if (done !== 'ok') throw new Error('restart: ' + done);
  }
  if (i % 7 === 6) {
    await system.request(child, text('trap')).catch(() => undefined);
    while (system.get(child)?.status !== 'running') await new Promise((resolve) => setTimeout(resolve, 5));
  }
}`,
          // Killed a few milliseconds after a restart was asked for: during the restart or just after it.
          1 + Math.floor(next() * 8),
          Math.floor(next() * 30),
          'restarting',
        );
        const chains = await readChains(home.path);
        for (const events of chains.values()) expect(await verifyChain(events)).toEqual({ ok: true, events: events.length });
        const childId = [...chains.keys()].find((id) => id !== 'overseer');
        expect(childId).toBeDefined();
        const events = chains.get(childId!)!;

        // Each incarnation ends (stop or fail) before the next begins, and the count never restarts from zero.
        expect(events[0]?.type).toBe('actor.spawn');
        let restarts = 0;
        let count = 0;
        for (const [index, event] of events.entries()) {
          if (event.type === 'actor.restart') {
            restarts += 1;
            expect(['actor.stop', 'actor.fail'], `event ${index - 1} before the restart at ${index}`).toContain(events[index - 1]?.type);
          }
          if (event.type === 'wasm.result') {
            const state = dataOf(event)['state'];
            if (state instanceof Uint8Array) {
              const counted = (JSON.parse(decode(state)) as { count: number }).count;
              expect(counted, `count at event ${index}`).toBeGreaterThanOrEqual(count);
              expect(counted - count, `count at event ${index}`).toBeLessThanOrEqual(1);
              count = counted;
            }
          }
        }
        // Every acknowledged send was counted.
        expect(count).toBeGreaterThanOrEqual(acked + 1);
        // Every incarnation replays, the last one cut wherever the kill came.
        await expectReplays(chains);
        console.info(
          `kill -9 restart trial ${trial}: ${acked + 1} sends acknowledged, ${count} counted in the chain (${count - acked - 1} in flight), ${restarts} restarts recorded, the chain ends with ${events.at(-1)?.type}`,
        );
      }
    },
    10 * 60_000,
  );
});
