/**
 * Idle actors per process: the process's RSS before and after spawning `count` idle actors of one manifest (each
 * has run init and one send), placed through `placed`. RSS counts every worker thread, so the figure is what each
 * actor costs the machine. "Before" is read after one first actor of the manifest is up: what only the first one
 * pays (a worker started, the component's code compiled, its glue loaded) is reported apart, as `firstMb`, rather
 * than spread over `count` actors.
 */
import type { Actor, ActorSystem, Manifest } from '@theater/kernel';
import { placed, type Isolation } from './placement.js';

/** MB of RSS per idle actor, what the first one cost (MB), and the RSS before and after (MB). */
export async function measureDensity(
  system: ActorSystem,
  manifest: Manifest,
  options: { count: number; isolation: Isolation },
): Promise<{ perActorMb: number; firstMb: number; beforeMb: number; afterMb: number; spawnSeconds: number }> {
  const message = new TextEncoder().encode('x');
  const live: Actor[] = [];
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const settle = async (): Promise<number> => {
    globalThis.gc?.();
    // Let worker threads settle their start-up garbage before reading.
    await new Promise((resolve) => setTimeout(resolve, 500));
    globalThis.gc?.();
    return process.memoryUsage.rss();
  };
  const spawnOne = async (): Promise<void> => {
    const actor = await system.spawn(placed(manifest, options.isolation));
    live.push(actor);
    await system.send(actor.id, message);
  };
  try {
    const empty = await settle();
    await spawnOne();
    const before = await settle();
    const started = performance.now();
    for (let i = 0; i < options.count; i++) await spawnOne();
    const spawnSeconds = (performance.now() - started) / 1000;
    const after = await settle();
    return {
      perActorMb: mb(after - before) / options.count,
      firstMb: mb(before - empty),
      beforeMb: mb(before),
      afterMb: mb(after),
      spawnSeconds,
    };
  } finally {
    for (let i = 0; i < live.length; i += 64) await Promise.all(live.slice(i, i + 64).map((actor) => actor.stop()));
  }
}
