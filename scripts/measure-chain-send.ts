/**
 * Measures the counter's handle-send throughput through the kernel with its chain persisted in the home's store,
 * beside the same counter with `save_chain = false` (chain in memory), rounds interleaved. Run it once on the
 * current tree (level indexing a chain log) and once with the kernel's chain service opening the level store alone
 * to compare the two stores: the kernel has no switch for it, on purpose.
 *
 *     node --import tsx --conditions=@theater/source scripts/measure-chain-send.ts [rounds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, loadManifest, type Actor } from '@theater/kernel';

const ROUNDS = Number(process.argv[2] ?? 5);
const WARMUP = 5_000;
const COUNT = 20_000;
const WINDOW = 900;
const MESSAGE = new TextEncoder().encode('x');
const COUNTER = fileURLToPath(new URL('../examples/counter/manifest.toml', import.meta.url));

/** Sends `count` messages keeping up to WINDOW outstanding (under the default mailbox of 1024); messages per second. */
async function sendRate(target: Actor, count: number): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const pump = (): void => {
      while (sent < count && sent - done < WINDOW) {
        sent += 1;
        target.send(MESSAGE).then(() => {
          done += 1;
          if (done === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  return count / ((performance.now() - started) / 1000);
}

const home = await mkdtemp(join(tmpdir(), 'theater-measure-chain-send-'));
const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 2 });
try {
  const counter = await loadManifest(COUNTER, { handlers: system.handlers });
  const persisted = await system.spawn(counter);
  const inMemory = await system.spawn({ ...counter, saveChain: false });
  await sendRate(persisted, WARMUP);
  await sendRate(inMemory, WARMUP);
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    on.push(await sendRate(persisted, COUNT));
    off.push(await sendRate(inMemory, COUNT));
  }
  await Promise.all([persisted.stop(), inMemory.stop()]);
  const fmt = (values: number[]): string => `${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))}`;
  console.log(`${ROUNDS} rounds of ${COUNT} sends (ranges min-max; the machine is shared: expect noise)`);
  console.log(`chain persisted: ${fmt(on)} msg/s; save_chain = false: ${fmt(off)} msg/s`);
  console.log(`per round, persisted / in memory: ${on.map((rate, i) => (rate / off[i]!).toFixed(2)).join(', ')}`);
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}
