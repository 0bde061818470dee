/** What keeps the process alive (handles, sockets, timers, workers), to tell whether an actor left any behind. */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long resources may take to close once their owner has (a socket's close callback, a worker's exit). */
export const SETTLE_MS = 2_000;

/** The active resources of this process, counted by kind (`TCPSocketWrap`, `Timeout`, `MessagePort`…). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** The kinds of which more are active now than in `baseline`, with how many more; waits up to SETTLE_MS for none. */
export async function resourcesBeyond(baseline: ReadonlyMap<string, number>): Promise<Record<string, number>> {
  const started = performance.now();
  for (;;) {
    const extra: Record<string, number> = {};
    for (const [kind, count] of activeResources()) {
      const more = count - (baseline.get(kind) ?? 0);
      if (more > 0) extra[kind] = more;
    }
    if (Object.keys(extra).length === 0 || performance.now() - started > SETTLE_MS) return extra;
    await sleep(20);
  }
}
