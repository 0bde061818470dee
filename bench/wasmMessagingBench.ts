/**
 * Actor-to-actor messaging between small WAT actors: pinger (test-actors/actors/pinger.wat) makes requests or sends
 * to small in a loop inside one operation, so the figures are actor to actor, not from outside. Each is measured in
 * both placements (actors packed into one worker, `shared`, and in their own workers, `dedicated`), cold (a fresh
 * pair's first burst) and steady (after a warm-up of ~3,000 calls), beside its baseline from the same run.
 */
import { join } from 'node:path';
import { loadManifest, type Actor, type ActorSystem, type Manifest } from '@theater/kernel';
import { atomicsRoundTrip, bareTask } from './bareBaselines.js';
import { loopMessage } from './bareGuestWorker.js';
import { testActorManifest } from './paths.js';
import { placed, type Isolation } from './placement.js';
import { benchRow, type BenchRow } from './row.js';

/** How much each measurement runs. */
export interface WasmMessagingOptions {
  /** Calls before the steady-state rounds (the issue: ~3,000). */
  readonly warmup: number;
  readonly rounds: number;
  /** Requests per steady round. */
  readonly requests: number;
  /** Sends per pair per steady round. */
  readonly sends: number;
  /** Fresh pairs measured for the cold rows, and their first burst. */
  readonly coldPairs: number;
  readonly coldRequests: number;
  readonly coldSends: number;
  readonly pairCounts: readonly number[];
}

const STATE = new TextEncoder().encode('state');

interface Pair {
  readonly pinger: Actor;
  readonly target: Actor;
}

export async function measureWasmMessaging(
  system: ActorSystem,
  options: WasmMessagingOptions,
): Promise<{ rows: BenchRow[]; results: Record<string, unknown> }> {
  const pingerManifest = await loadManifest(testActorManifest('pinger'), { handlers: system.handlers });
  const smallBase = await loadManifest(testActorManifest('small'), { handlers: system.handlers });
  // The receiver's mailbox holds a whole burst: the point is throughput, not back-pressure.
  const smallManifest: Manifest = { ...smallBase, limits: { ...smallBase.limits, mailbox: options.warmup + 4 * options.sends } };

  const spawnPair = async (isolation: Isolation): Promise<Pair> => ({
    pinger: await system.spawn(placed(pingerManifest, isolation)),
    target: await system.spawn(placed(smallManifest, isolation)),
  });
  const stopPairs = (pairs: readonly Pair[]): Promise<unknown> => Promise.all(pairs.flatMap((p) => [p.pinger.stop(), p.target.stop()]));
  /** µs per request of one burst of `count`. */
  const requestBurst = async ({ pinger, target }: Pair, count: number): Promise<number> => {
    const started = performance.now();
    const reply = await system.request(pinger.id, loopMessage('r', count, target.id));
    const elapsed = performance.now() - started;
    if (reply.byteLength !== 4) throw new Error(`pinger replied ${reply.byteLength} bytes, expected small's 4 state bytes`);
    return (elapsed * 1000) / count;
  };
  /** Sends per second per pair of one burst of `count` from every pair at once, until every target handled them. */
  const sendBurst = async (pairs: readonly Pair[], count: number): Promise<number> => {
    const started = performance.now();
    await Promise.all(
      pairs.map(async ({ pinger, target }) => {
        await system.request(pinger.id, loopMessage('s', count, target.id));
        // Mailboxes are FIFO: small answers this after every send queued before it.
        await system.request(target.id, STATE);
      }),
    );
    return count / ((performance.now() - started) / 1000);
  };

  // Fill the component cache, then find the cached components for the bare loops.
  const probe = await spawnPair('dedicated');
  const cacheDir = (actor: Actor): string => join(system.home.cacheDir, 'components', actor.componentHash);
  const dirs = { pingerDir: cacheDir(probe.pinger), smallDir: cacheDir(probe.target) };
  await stopPairs([probe]);

  const bareRequest = await bareTask({
    kind: 'pair',
    ...dirs,
    op: 'r',
    warmup: options.warmup,
    count: 4 * options.requests,
    rounds: options.rounds,
  });
  const bareRequestCold: number[] = [];
  for (let i = 0; i < options.coldPairs; i++) {
    bareRequestCold.push(...(await bareTask({ kind: 'pair', ...dirs, op: 'r', warmup: 0, count: options.coldRequests, rounds: 1 })));
  }
  const bareSend = await bareTask({
    kind: 'pair',
    ...dirs,
    op: 's',
    warmup: options.warmup,
    count: 4 * options.sends,
    rounds: options.rounds,
  });
  const bareSendCold: number[] = [];
  for (let i = 0; i < options.coldPairs; i++) {
    bareSendCold.push(...(await bareTask({ kind: 'pair', ...dirs, op: 's', warmup: 0, count: options.coldSends, rounds: 1 })));
  }
  const atomics = await atomicsRoundTrip({ warmup: 1_000, count: 2_000, rounds: options.rounds });

  const request: Record<Isolation, { cold: number[]; steady: number[] }> = {
    shared: { cold: [], steady: [] },
    dedicated: { cold: [], steady: [] },
  };
  for (const isolation of ['shared', 'dedicated'] as const) {
    for (let i = 0; i < options.coldPairs; i++) {
      const pair = await spawnPair(isolation);
      request[isolation].cold.push(await requestBurst(pair, options.coldRequests));
      await stopPairs([pair]);
    }
    const pair = await spawnPair(isolation);
    await requestBurst(pair, options.warmup);
    for (let round = 0; round < options.rounds; round++) request[isolation].steady.push(await requestBurst(pair, options.requests));
    await stopPairs([pair]);
  }

  const sendCold: number[] = [];
  for (let i = 0; i < options.coldPairs; i++) {
    const pair = await spawnPair('shared');
    sendCold.push(await sendBurst([pair], options.coldSends));
    await stopPairs([pair]);
  }
  const sends: Record<string, number[]> = {};
  for (const [label, isolation, count] of [
    ...options.pairCounts.map((n) => [`${n}`, 'shared', n] as const),
    ['cross-worker', 'dedicated', 1] as const,
  ]) {
    const pairs: Pair[] = [];
    for (let i = 0; i < count; i++) pairs.push(await spawnPair(isolation));
    await sendBurst(pairs, options.warmup);
    const rates: number[] = [];
    // Many pairs share two cores: fewer rounds keep the run short.
    const rounds = count > 1 ? Math.min(options.rounds, 3) : options.rounds;
    for (let round = 0; round < rounds; round++) rates.push(await sendBurst(pairs, options.sends));
    sends[label] = rates;
    await stopPairs(pairs);
  }

  const sameWorkerTarget = (value: number, _b: number | null, ratio: number | null): boolean =>
    ratio !== null && ratio <= 3 && value <= 100;
  const crossWorkerTarget = (value: number, _b: number | null, ratio: number | null): boolean =>
    ratio !== null && ratio <= 15 && value <= 150;
  const sendTarget = (value: number, _b: number | null, ratio: number | null): boolean => ratio !== null && value >= 30_000 && ratio >= 0.4;
  const bareRequestIs = 'bare in-thread loop of the same guest calls + the same 3 events, µs';
  const bareSendIs = 'bare in-thread loop of the same guest calls + the same 3 events, msg/s';
  const rows: BenchRow[] = [
    benchRow({
      id: 'request-rt-same-worker',
      metric: `request round trip pinger -> small, one worker, steady (p50 of ${options.rounds} bursts of ${options.requests})`,
      unit: 'µs',
      values: request.shared.steady,
      baselineValues: bareRequest,
      baselineIs: bareRequestIs,
      target: 'p50 <= 3x baseline and <= 100 µs',
      met: sameWorkerTarget,
    }),
    benchRow({
      id: 'request-rt-same-worker-cold',
      metric: `request round trip, one worker, cold (a fresh pair's first ${options.coldRequests})`,
      unit: 'µs',
      values: request.shared.cold,
      baselineValues: bareRequestCold,
      baselineIs: `${bareRequestIs}, fresh instances`,
    }),
    benchRow({
      id: 'request-rt-cross-worker',
      metric: `request round trip pinger -> small, two workers, steady (p50 of ${options.rounds} bursts of ${options.requests})`,
      unit: 'µs',
      values: request.dedicated.steady,
      baselineValues: atomics,
      baselineIs: 'Atomics wait/notify round trip between two workers, µs',
      target: 'p50 <= 15x baseline and <= 150 µs',
      met: crossWorkerTarget,
    }),
    benchRow({
      id: 'request-rt-cross-worker-cold',
      metric: `request round trip, two workers, cold (a fresh pair's first ${options.coldRequests})`,
      unit: 'µs',
      values: request.dedicated.cold,
      baselineValues: atomics,
      baselineIs: 'Atomics wait/notify round trip between two workers, µs',
    }),
    ...options.pairCounts.map((n) =>
      benchRow({
        id: n === 1 ? 'send-per-pair' : `send-per-pair-${n}`,
        metric: `sends per pair pinger -> small, ${n} pair${n === 1 ? '' : 's'}, one worker, steady (${options.sends} per burst)`,
        unit: 'msg/s',
        values: sends[`${n}`]!,
        baselineValues: bareSend,
        baselineIs: bareSendIs,
        target: '>= 30k msg/s and >= 40% of baseline',
        met: sendTarget,
      }),
    ),
    benchRow({
      id: 'send-per-pair-cold',
      metric: `sends per pair, one worker, cold (a fresh pair's first ${options.coldSends})`,
      unit: 'msg/s',
      values: sendCold,
      baselineValues: bareSendCold,
      baselineIs: `${bareSendIs}, fresh instances`,
    }),
    benchRow({
      id: 'send-per-pair-cross-worker',
      metric: `sends per pair, two workers, steady (${options.sends} per burst)`,
      unit: 'msg/s',
      values: sends['cross-worker']!,
      baselineValues: bareSend,
      baselineIs: bareSendIs,
    }),
  ];
  return {
    rows,
    results: { request, sends, sendCold, bareRequest, bareRequestCold, bareSend, bareSendCold, atomics },
  };
}
