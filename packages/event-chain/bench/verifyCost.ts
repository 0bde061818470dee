/**
 * Verification speed on a 100k-event chain beside raw SHA-256 of the same canonical encodings (node:crypto, and
 * @noble/hashes for reference), best and range over rounds, interleaved. Run:
 * `pnpm --filter @theater/event-chain bench:verify`.
 */
import { createHash, hash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { type ChainEvent, createEvent, encodeEventFields } from '../src/eventFormat.js';
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
const encoded = events.map((event) => encodeEventFields(event));

const rates: Record<string, number[]> = { verify: [], 'sha256 node:crypto': [], 'sha256 noble': [] };
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  let started = performance.now();
  const result = await verifyChain(events);
  if (!result.ok) throw new Error(`the chain does not verify: ${result.reason}`);
  rates['verify']!.push(COUNT / ((performance.now() - started) / 1000));
  started = performance.now();
  for (const bytes of encoded)
    sink += (typeof hash === 'function' ? hash('sha256', bytes, 'buffer') : createHash('sha256').update(bytes).digest())[0]!;
  rates['sha256 node:crypto']!.push(COUNT / ((performance.now() - started) / 1000));
  started = performance.now();
  for (const bytes of encoded) sink += nobleSha256(bytes)[0]!;
  rates['sha256 noble']!.push(COUNT / ((performance.now() - started) / 1000));
}
const k = (n: number): string => `${Math.round(n / 1000)}k`;
console.log(`${COUNT} events, ${ROUNDS} rounds, events/s best (range):`);
for (const [name, values] of Object.entries(rates))
  console.log(`  ${name.padEnd(20)} ${k(Math.max(...values))} (${k(Math.min(...values))}-${k(Math.max(...values))})`);
const best = (name: string): number => Math.max(...rates[name]!);
console.log(
  `  verify / raw node:crypto: ${((100 * best('verify')) / best('sha256 node:crypto')).toFixed(0)}%; verify / raw noble: ${((100 * best('verify')) / best('sha256 noble')).toFixed(0)}%`,
);
if (sink === -1) console.log(sink);
