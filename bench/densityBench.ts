/**
 * Idle actors per process: the process's RSS before and after spawning `count` idle actors of one manifest (each
 * has run init and one send), placed through `placed`. RSS counts every worker thread, so the figure is what each
 * actor costs the machine.
 */
import type { Actor, ActorSystem, Manifest } from '@theater/kernel';
import { placed, type Isolation } from './placement.js';

/** MB of RSS per idle actor, and the RSS before and after (MB). */
export async function measureDensity(
  system: ActorSystem,
  manifest: Manifest,
  options: { count: number; isolation: Isolation },
): Promise<{ perActorMb: number; beforeMb: number; afterMb: number; spawnSeconds: number }> {
  const message = new TextEncoder().encode('x');
  const live: Actor[] = [];
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  const started = performance.now();
  try {
    for (let i = 0; i < options.count; i++) {
      const actor = await system.spawn(placed(manifest, options.isolation));
      live.push(actor);
      await system.send(actor.id, message);
    }
    const spawnSeconds = (performance.now() - started) / 1000;
    globalThis.gc?.();
    // Let worker threads settle their start-up garbage before reading.
    await new Promise((resolve) => setTimeout(resolve, 500));
    globalThis.gc?.();
    const after = process.memoryUsage.rss();
    const mb = (bytes: number): number => bytes / 2 ** 20;
    return { perActorMb: mb(after - before) / options.count, beforeMb: mb(before), afterMb: mb(after), spawnSeconds };
  } finally {
    for (let i = 0; i < live.length; i += 64) await Promise.all(live.slice(i, i + 64).map((actor) => actor.stop()));
  }
}
