/**
 * Messaging and supervision benchmarks: request round trip between two actors, aggregate send throughput across
 * actor pairs, and the restart latency of a failed child. Requests and sends are made by the guest in a loop
 * (`askn` / `telln` of the messenger test actor), so the figures are actor-to-actor, not from outside.
 */
import { dirname } from 'node:path';
import type { Actor, ActorSystem, Manifest } from '@theater/kernel';
import { loadManifest } from '@theater/kernel';
import { testActorManifest } from './paths.js';
import { median, percentile } from './stats.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (value: string): Uint8Array => encoder.encode(value);

async function ask(system: ActorSystem, id: string, command: string): Promise<string> {
  return decoder.decode(await system.request(id, text(command)));
}

/** Per-request round trip (µs) from batches of `perBatch` requests A → B, one figure per batch. */
export async function requestRoundTrip(
  system: ActorSystem,
  batches: number,
  perBatch: number,
): Promise<{ p50: number; p99: number; samples: number[] }> {
  const messenger = await loadManifest(testActorManifest('messenger'), { handlers: system.handlers });
  const a = await system.spawn(messenger);
  const b = await system.spawn(messenger);
  await ask(system, a.id, `askn ${perBatch} ${b.id} ping`); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < batches; i++) {
    const started = performance.now();
    const reply = await ask(system, a.id, `askn ${perBatch} ${b.id} ping`);
    const elapsed = performance.now() - started;
    if (reply !== `answered:${perBatch}`) throw new Error(`unexpected reply ${reply}`);
    samples.push((elapsed * 1000) / perBatch);
  }
  await Promise.all([a.stop(), b.stop()]);
  return { p50: median(samples), p99: percentile(samples, 99), samples };
}

/**
 * Sends per second per pair across `pairs` messenger → echo pairs, each sender sending `perSender` in one operation:
 * the fresh pairs' first burst (`cold`), then `rounds` more (`steady`).
 */
export async function sendThroughput(
  system: ActorSystem,
  pairs: number,
  perSender: number,
  rounds: number,
): Promise<{ cold: number; steady: number[] }> {
  const messengerBase = await loadManifest(testActorManifest('messenger'), { handlers: system.handlers });
  // A burst is one long operation of the sender.
  const messenger: Manifest = { ...messengerBase, limits: { ...messengerBase.limits, callTimeoutMs: 120_000 } };
  const echoBase = await loadManifest(testActorManifest('echo'), { handlers: system.handlers });
  // The receivers' mailboxes hold a whole burst: the point is throughput, not back-pressure.
  const echo: Manifest = { ...echoBase, limits: { ...echoBase.limits, mailbox: perSender + 16, memoryMb: 256 } };
  const senders: Actor[] = [];
  const receivers: Actor[] = [];
  for (let i = 0; i < pairs; i++) {
    senders.push(await system.spawn(messenger));
    receivers.push(await system.spawn(echo));
  }
  const burst = async (): Promise<number> => {
    const started = performance.now();
    await Promise.all(
      senders.map(async (sender, i) => {
        const reply = await ask(system, sender.id, `telln ${perSender} ${receivers[i]!.id} x`);
        if (reply !== `sent:${perSender}`) throw new Error(`unexpected reply ${reply}`);
        // Mailboxes are FIFO: the state request is answered after every send before it.
        await system.request(receivers[i]!.id, text('state'));
      }),
    );
    return perSender / ((performance.now() - started) / 1000);
  };
  const cold = await burst();
  const steady: number[] = [];
  for (let round = 0; round < rounds; round++) steady.push(await burst());
  await Promise.all([...senders, ...receivers].map((actor) => actor.stop()));
  return { cold, steady };
}

/** Failure-to-running latency (ms) of a permanent child restarted by its overseer, `count` times. */
export async function restartLatency(system: ActorSystem, count: number): Promise<number[]> {
  const overseerBase = await loadManifest(testActorManifest('overseer'), { handlers: system.handlers });
  // A supervisor loads its children's files only from its own directory: test-actors/, holding manifests/ and dist/.
  const baseDir = dirname(dirname(testActorManifest('overseer')));
  const overseer = await system.spawn({
    ...overseerBase,
    baseDir,
    supervision: { strategy: 'one-for-one', maxRestarts: count + 1, withinMs: 3_600_000 },
  });
  const child = await ask(system, overseer.id, 'spawn manifests/trapper.toml');
  const failedAt = new Map<number, number>();
  const latencies: number[] = [];
  let restarted: (() => void) | undefined;
  const unsubscribe = system.inspect((event) => {
    if (event.type === 'actor.failed' && event.actorId === child) failedAt.set(latencies.length, performance.now());
    if (event.type === 'actor.started' && event.actorId === child && failedAt.has(latencies.length)) {
      latencies.push(performance.now() - failedAt.get(latencies.length)!);
      restarted?.();
    }
  });
  for (let i = 0; i < count; i++) {
    await system.warm();
    const done = new Promise<void>((resolve) => (restarted = resolve));
    await system.request(child, text('trap')).catch(() => {});
    await done;
  }
  unsubscribe();
  await overseer.stop();
  return latencies;
}
