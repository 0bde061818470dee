/**
 * Measures the chain store's append path: the level store alone vs the level store indexing a chain log
 * (`openChainStore(path, { log })`). Acknowledgement latency of one ~1 KB event appended at a time by one actor, and
 * throughput of 16 actors appending one event each concurrently (as ChainWriters do), rounds interleaved so both
 * stores see the same machine. Events are built beforehand: only the store is measured.
 *
 *     node --import tsx --conditions=@theater/source scripts/measure-chain-log.ts [rounds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, openChainStore, type ChainEvent, type ChainStore } from '@theater/event-chain';

const ROUNDS = Number(process.argv[2] ?? 5);
const LATENCY_EVENTS = 3_000;
const ACTORS = 16;
const EVENTS_PER_ACTOR = 1_500;
const DATA = new Uint8Array(1000).fill(120);

type Kind = 'level' | 'log';

function chainOf(count: number): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (let i = 0; i < count; i += 1)
    events.push(createEvent(events.at(-1), { type: 'wasm.call', data: DATA, time: 1_700_000_000_000 + i }));
  return events;
}

async function withStore<T>(kind: Kind, work: (store: ChainStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'theater-measure-chain-log-'));
  const store = await openChainStore(join(dir, 'db'), kind === 'log' ? { log: { dir: join(dir, 'log') } } : {});
  try {
    return await work(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function latency(kind: Kind, events: readonly ChainEvent[]): Promise<number[]> {
  return withStore(kind, async (store) => {
    const micros: number[] = [];
    for (const event of events) {
      const started = performance.now();
      await store.appendEvents('one', [event]);
      micros.push((performance.now() - started) * 1000);
    }
    return micros;
  });
}

async function throughput(kind: Kind, chains: readonly ChainEvent[][]): Promise<number> {
  return withStore(kind, async (store) => {
    const started = performance.now();
    await Promise.all(
      chains.map(async (events, actor) => {
        for (const event of events) await store.appendEvents(`actor-${actor}`, [event]);
      }),
    );
    return (chains.length * chains[0]!.length) / ((performance.now() - started) / 1000);
  });
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const range = (values: readonly number[], digits = 1): string =>
  `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;

const single = chainOf(LATENCY_EVENTS);
const many = Array.from({ length: ACTORS }, () => chainOf(EVENTS_PER_ACTOR));
const results: Record<Kind, { p50: number[]; p99: number[]; mean: number[]; perSecond: number[] }> = {
  level: { p50: [], p99: [], mean: [], perSecond: [] },
  log: { p50: [], p99: [], mean: [], perSecond: [] },
};
for (let round = 0; round < ROUNDS; round += 1) {
  for (const kind of ['level', 'log'] as const) {
    const micros = await latency(kind, single);
    results[kind].p50.push(percentile(micros, 50));
    results[kind].p99.push(percentile(micros, 99));
    results[kind].mean.push(micros.reduce((a, b) => a + b, 0) / micros.length);
    results[kind].perSecond.push(await throughput(kind, many));
  }
}
console.log(`${ROUNDS} rounds; ranges are min-max over rounds (the machine is shared: expect noise)`);
for (const kind of ['level', 'log'] as const) {
  const r = results[kind];
  console.log(
    `${kind.padEnd(5)}  ack latency p50 ${range(r.p50)} µs, p99 ${range(r.p99)} µs, mean ${range(r.mean)} µs; ` +
      `${ACTORS} actors: ${range(r.perSecond, 0)} events/s`,
  );
}
