/**
 * Event-chain benchmarks: verify speed on a 100k-event chain beside raw SHA-256 (node:crypto) of the same encoded
 * events, and, for reference, @noble/hashes' SHA-256 of them (what the chain hashed with before node:crypto).
 */
import { hash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { createEvent, encodeEventFields, verifyChain, type ChainEvent } from '@theater/event-chain';

/** Events per second of `verifyChain` and of hashing the same canonical encodings, one figure per round. */
export async function measureVerify(
  count: number,
  rounds: number,
): Promise<{ verifyPerSecond: number[]; hashPerSecond: number[]; noblePerSecond: number[] }> {
  const encoder = new TextEncoder();
  const events: ChainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const data = encoder.encode(JSON.stringify({ interface: 'theater:simple/message-server-client', function: 'handle-send', seq: i }));
    events.push(createEvent(events.at(-1), { type: i % 3 === 0 ? 'wasm.call' : 'wasm.result', data, time: 1_700_000_000_000 + i }));
  }
  const encoded = events.map((event) => encodeEventFields(event));
  const perSecond = (started: number): number => count / ((performance.now() - started) / 1000);
  const verifyPerSecond: number[] = [];
  const hashPerSecond: number[] = [];
  const noblePerSecond: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    const result = await verifyChain(events);
    if (!result.ok) throw new Error(`the benchmark chain does not verify: ${result.reason}`);
    verifyPerSecond.push(perSecond(started));
    started = performance.now();
    for (const bytes of encoded) hash('sha256', bytes, 'buffer');
    hashPerSecond.push(perSecond(started));
    started = performance.now();
    for (const bytes of encoded) sha256(bytes);
    noblePerSecond.push(perSecond(started));
  }
  return { verifyPerSecond, hashPerSecond, noblePerSecond };
}
