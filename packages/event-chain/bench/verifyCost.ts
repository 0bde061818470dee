/**
 * Verification speed on a 100k-event chain read back from a chain store (and, for reference, the same events as
 * `createEvent` built them) beside raw SHA-256 of the same canonical encodings (node:crypto, and @noble/hashes for
 * reference), best and range over rounds, interleaved. Run:
 * `pnpm --filter @theater/event-chain bench:verify`.
 */
import { hash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { type ChainEvent, createEvent, encodeEventFields } from '../src/eventFormat.js';
import { openChainStore } from '../src/chainStore.js';
import { verifyChain } from '../src/verifyChain.js';

const COUNT = Number(process.env['COUNT'] ?? 100_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 7);

const encoder = new TextEncoder();
const events: ChainEvent[] = [];
for (let i = 0; i < COUNT; i++) {
  // As bench/chainBench.ts builds it: ~100 B of data per event.
  const data = encoder.encode(JSON.stringify({ interface: 'theater:simple/message-server-client', function: 'handle-send', seq: i }));
  events.push(createEvent(events.at(-1), { type: i % 3 === 0 ? 'wasm.call' : 'wasm.result', data, time: 1_700_000_000_000 + i }));
}
// The same chain read back from a real store: decoded events carrying their stored bytes (what `chain verify` checks).
const dir = await mkdtemp(join(tmpdir(), 'theater-verify-cost-'));
const store = await openChainStore(join(dir, 'chains'));
for (let from = 0; from < COUNT; from += 5_000) await store.appendEvents('bench', events.slice(from, from + 5_000));
const stored = await store.read('bench');
await store.close();
await rm(dir, { recursive: true, force: true });
const encoded = stored.map((event) => encodeEventFields(event));

const rates: Record<string, number[]> = { verify: [], 'verify created': [], 'sha256 node:crypto': [], 'sha256 noble': [] };
let sink = 0;
/** Events per CPU second (not wall time: on a shared machine that includes waiting for a core). */
const perCpuSecond = (started: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(started);
  return COUNT / ((user + system) / 1e6);
};
for (let round = 0; round < ROUNDS; round++) {
  let started = process.cpuUsage();
  const result = await verifyChain(stored);
  if (!result.ok) throw new Error(`the chain does not verify: ${result.reason}`);
  rates['verify']!.push(perCpuSecond(started));
  started = process.cpuUsage();
  if (!(await verifyChain(events)).ok) throw new Error('the created chain does not verify');
  rates['verify created']!.push(perCpuSecond(started));
  started = process.cpuUsage();
  // The fastest raw form: a digest string, no buffer allocated per hash.
  for (const bytes of encoded) sink += hash('sha256', bytes, 'binary').charCodeAt(0);
  rates['sha256 node:crypto']!.push(perCpuSecond(started));
  started = process.cpuUsage();
  for (const bytes of encoded) sink += nobleSha256(bytes)[0]!;
  rates['sha256 noble']!.push(perCpuSecond(started));
}
const k = (n: number): string => `${Math.round(n / 1000)}k`;
console.log(`${COUNT} events, ${ROUNDS} rounds, events per CPU second, best (range):`);
for (const [name, values] of Object.entries(rates))
  console.log(`  ${name.padEnd(20)} ${k(Math.max(...values))} (${k(Math.min(...values))}-${k(Math.max(...values))})`);
const best = (name: string): number => Math.max(...rates[name]!);
console.log(
  `  verify / raw node:crypto: ${((100 * best('verify')) / best('sha256 node:crypto')).toFixed(0)}%; verify / raw noble: ${((100 * best('verify')) / best('sha256 noble')).toFixed(0)}%`,
);
if (sink === -1) console.log(sink);
