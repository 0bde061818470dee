/**
 * The actor system's clock with real components: restart intensity windows are measured on its monotonic time, so a
 * test clock states how much time passed between failures instead of sleeping through a window.
 */
import { TestClock, type Actor, type ActorSystem } from '@theater/kernel';
import { describe, expect, it } from 'vitest';
import { decode, manifestOf, overseerManifest, testSystem, text } from './helpers.js';

async function overseer(system: ActorSystem, maxRestarts: number, withinMs: number): Promise<Actor> {
  return system.spawn({ ...(await overseerManifest()), supervision: { strategy: 'one-for-one', maxRestarts, withinMs } });
}

/** Polls on the real event loop (restarts run in real time; only the clock's time is the test's) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let attempt = 0; !done(); attempt++) {
    if (attempt > 400) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Makes the child trap and waits until its supervisor has restarted it, or has failed. */
async function trap(system: ActorSystem, parent: Actor, child: string): Promise<void> {
  const before = system.get(child);
  await system.request(child, text('trap')).catch(() => {});
  await until(() => parent.status === 'failed' || (system.get(child) !== before && system.get(child)?.status === 'running'));
}

describe('restart intensity on the system clock', () => {
  it('forgets a restart once the clock has moved past its window, and fails the supervisor for restarts within one', async () => {
    const clock = new TestClock();
    await using system = await testSystem({ clock });
    const parent = await overseer(system, 1, 1000);
    const child = decode(await parent.request(text('spawn manifests/trapper.toml')));

    await trap(system, parent, child);
    await clock.advance(1001);
    await trap(system, parent, child);
    expect(parent.status).toBe('running');

    await clock.advance(999);
    await trap(system, parent, child);
    await parent.exited;
    expect(parent.failure?.message).toBe('restart intensity exceeded: more than 1 restarts within 1000 ms');
  });
});

describe('a function as the clock (the form before Clock)', () => {
  it("stamps the kernel's events with its time while operation deadlines keep real time: a spinning guest still times out", async () => {
    await using system = await testSystem({ clock: () => 42 });
    const base = await manifestOf('spinner');
    const spinner = await system.spawn({ ...base, limits: { ...base.limits, callTimeoutMs: 500 } });
    await spinner.send(text('spin')).catch(() => {});
    expect(await spinner.exited).toMatchObject({ status: 'failed', failure: { reason: 'operation-timeout' } });
    // What the kernel stamps is the clock's time (a wasm.call carries the worker's own start stamp, real time).
    const events = await system.events(spinner.id);
    expect(events.filter((event) => event.type !== 'wasm.call').map((event) => event.time)).toEqual(
      events.filter((event) => event.type !== 'wasm.call').map(() => 42),
    );
  });
});
