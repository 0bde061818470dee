/**
 * Event-chain benchmarks: verify speed on a 100k-event chain read back from a real chain store (what `theater chain
 * verify` checks) beside raw SHA-256 (node:crypto) of the same stored encodings; for reference, verify of the same
 * events straight from `createEvent` (in memory, encoded again to be hashed), the whole `chain verify` read
 * (streaming from the store while verifying), and @noble/hashes' SHA-256 (what the chain hashed with before
 * node:crypto).
 */
import { hash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { createEvent, encodeEventFields, openChainStore, verifyChain, type ChainEvent } from '@theater/event-chain';

const ACTOR = 'verify-bench';
/** Events per append while the store is filled (the store splits them into segments). */
const APPEND_BATCH = 5_000;

/** Events per CPU second of each way of verifying, and of hashing the same stored encodings, one figure per round. */
export interface VerifyMeasurement {
  /** `verifyChain` over the events as read back from the store (decoded from their stored bytes). */
  readonly verifyPerSecond: number[];
  /** Raw SHA-256 (node:crypto, digest as a Buffer) of the stored encodings of those events' hashed fields. */
  readonly hashPerSecond: number[];
  /** The same with the digest as a 'binary' string, the fastest raw form (no buffer per hash; what verify does). */
  readonly hashStringPerSecond: number[];
  /** `verifyChain` over the same events as `createEvent` built them (kept in memory, never stored). */
  readonly verifyCreatedPerSecond: number[];
  /** `verifyChain(store.stream(actor))`: reading the chain from the store and verifying it, as `chain verify` runs. */
  readonly verifyStreamPerSecond: number[];
  /** @noble/hashes' SHA-256 of the same encodings. */
  readonly noblePerSecond: number[];
}

/** Measures verification of a `count`-event chain stored in a chain store in a temporary directory. */
export async function measureVerify(count: number, rounds: number): Promise<VerifyMeasurement> {
  const encoder = new TextEncoder();
  const created: ChainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const data = encoder.encode(JSON.stringify({ interface: 'theater:simple/message-server-client', function: 'handle-send', seq: i }));
    created.push(createEvent(created.at(-1), { type: i % 3 === 0 ? 'wasm.call' : 'wasm.result', data, time: 1_700_000_000_000 + i }));
  }
  const dir = await mkdtemp(join(tmpdir(), 'theater-verify-bench-'));
  try {
    const store = await openChainStore(join(dir, 'chains'));
    try {
      for (let from = 0; from < count; from += APPEND_BATCH) await store.appendEvents(ACTOR, created.slice(from, from + APPEND_BATCH));
      const stored = await store.read(ACTOR);
      if (stored.length !== count) throw new Error(`the store gave back ${stored.length} of ${count} events`);
      // The stored encodings of the hashed fields (canonical, so re-encoding a stored event gives its stored bytes).
      const encoded = stored.map((event) => encodeEventFields(event));
      // Per CPU second, not wall time: on a shared machine wall time includes waiting for a core, which swung the
      // figures 2-4x from round to round. The process's CPU time counts every thread (GC helpers, level's reads).
      const perSecond = (started: NodeJS.CpuUsage): number => {
        const { user, system } = process.cpuUsage(started);
        return count / ((user + system) / 1e6);
      };
      const verified = async (events: Iterable<ChainEvent> | AsyncIterable<ChainEvent>): Promise<void> => {
        const result = await verifyChain(events);
        if (!result.ok || result.events !== count) throw new Error(`the benchmark chain does not verify: ${JSON.stringify(result)}`);
      };
      const measured: VerifyMeasurement = {
        verifyPerSecond: [],
        hashPerSecond: [],
        hashStringPerSecond: [],
        verifyCreatedPerSecond: [],
        verifyStreamPerSecond: [],
        noblePerSecond: [],
      };
      let sink = 0;
      for (let round = 0; round < rounds; round++) {
        // Interleaved, so that a busy moment on the machine hits every figure of a round alike.
        let started = process.cpuUsage();
        await verified(stored);
        measured.verifyPerSecond.push(perSecond(started));
        started = process.cpuUsage();
        for (const bytes of encoded) sink += hash('sha256', bytes, 'buffer')[0]!;
        measured.hashPerSecond.push(perSecond(started));
        started = process.cpuUsage();
        // The fastest raw form (verify's): the digest as a string, no buffer allocated per hash.
        for (const bytes of encoded) sink += hash('sha256', bytes, 'binary').charCodeAt(0);
        measured.hashStringPerSecond.push(perSecond(started));
        started = process.cpuUsage();
        await verified(created);
        measured.verifyCreatedPerSecond.push(perSecond(started));
        started = process.cpuUsage();
        await verified(store.stream(ACTOR));
        measured.verifyStreamPerSecond.push(perSecond(started));
        started = process.cpuUsage();
        for (const bytes of encoded) sink += sha256(bytes)[0]!;
        measured.noblePerSecond.push(perSecond(started));
      }
      if (sink < 0) console.log(sink);
      return measured;
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
