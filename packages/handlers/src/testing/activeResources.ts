/**
 * What keeps the process alive, to tell whether an actor left anything behind: the process's active resources by
 * kind (`process.getActiveResourcesInfo()`), and the handles (timers, sockets, processes, workers, ports) opened
 * while a tracker watched and not closed since. Counts by kind alone can hide a leak behind an unrelated resource
 * that closed meanwhile; the tracker names each handle opened during the run.
 */
import { createHook } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long resources may take to close once their owner has (a socket's close callback, a worker's exit), on a busy machine. */
export const SETTLE_MS = 5_000;

/** Async resource types that are handles, closed deterministically (not on garbage collection). */
const HANDLE_TYPES = new Set([
  'Timeout',
  'Immediate',
  'TCPWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'PROCESSWRAP',
  'TTYWRAP',
  'UDPWRAP',
  'FSEVENTWRAP',
  'STATWATCHER',
  'SIGNALWRAP',
  'WORKER',
  'MESSAGEPORT',
]);

/** The active resources of this process, counted by kind (`TCPSocketWrap`, `Timeout`, `MessagePort`…). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** The kinds of which more are active now than in `baseline`, with how many more; waits up to SETTLE_MS for none. */
export async function resourcesBeyond(baseline: ReadonlyMap<string, number>): Promise<Record<string, number>> {
  const extra = (): Record<string, number> => {
    const more: Record<string, number> = {};
    for (const [kind, count] of activeResources()) if (count > (baseline.get(kind) ?? 0)) more[kind] = count - (baseline.get(kind) ?? 0);
    return more;
  };
  return settled(extra);
}

/** Watches the handles opened from now on. */
export interface HandleTracker {
  /**
   * The handles opened since the tracker started and still open, by type, each as where it was opened (the first
   * frame outside Node's own code); waits up to SETTLE_MS for none.
   */
  stillOpen(): Promise<Record<string, string[]>>;
  /** Stops watching. Idempotent. */
  stop(): void;
}

/** Starts tracking handles. */
export function trackHandles(): HandleTracker {
  const open = new Map<number, { readonly type: string; readonly site: string }>();
  /** True while the tracker opens a timer of its own, to wait for the others to close. */
  let waiting = false;
  const hook = createHook({
    init(asyncId, type) {
      if (HANDLE_TYPES.has(type) && !waiting) open.set(asyncId, { type, site: openedAt() });
    },
    destroy(asyncId) {
      open.delete(asyncId);
    },
  }).enable();
  return {
    stillOpen: () =>
      settled(
        () => {
          const byType: Record<string, string[]> = {};
          for (const { type, site } of open.values()) {
            byType[type] ??= [];
            byType[type].push(site);
          }
          return byType;
        },
        () => {
          waiting = true;
          try {
            return pause();
          } finally {
            waiting = false;
          }
        },
      ),
    stop: () => void hook.disable(),
  };
}

/** The first frame of the current stack outside Node's own code and this file. */
function openedAt(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .slice(1)
    .map((frame) => frame.trim());
  const own = (frame: string): boolean => !frame.includes('node:') && !frame.includes('<anonymous>') && !frame.includes('activeResources');
  return frames.find(own) ?? frames.at(-1) ?? 'unknown';
}

const pause = (): Promise<void> => sleep(20);

/** `read()` once it is empty, or as it is after SETTLE_MS, calling `wait` between reads. */
async function settled<T extends object>(read: () => T, wait: () => Promise<void> = pause): Promise<T> {
  const started = performance.now();
  for (;;) {
    const found = read();
    if (Object.keys(found).length === 0 || performance.now() - started > SETTLE_MS) return found;
    await wait();
  }
}
