/**
 * Containment in a shared scheduler worker: an actor that spins, exhausts its memory or traps shares one worker with
 * a counter under load; the counter loses no acknowledged send, its chain verifies and replays, and it keeps working.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, ActorSystem, InspectionEvent } from '@theater/kernel';
import { decode, manifestOf, testSystem, text } from './helpers.js';

/** One shared worker: every actor of the system is a co-resident of every other. */
const packed = { isolation: 'shared', schedulerWorkers: 1 } as const;

function countOf(actor: Actor): number {
  return (JSON.parse(decode(actor.state())) as { count: number }).count;
}

/**
 * Sends to `counter` in waves until `busy` settles; resolves with how many sends were acknowledged. A refused send
 * (none is expected) fails the test through the count.
 */
async function sendUnderLoad(counter: Actor, busy: Promise<unknown>): Promise<{ acknowledged: number; refused: unknown[] }> {
  let settled = false;
  void busy.finally(() => (settled = true));
  let acknowledged = 0;
  const refused: unknown[] = [];
  while (!settled) {
    const wave = Array.from({ length: 20 }, (_, i) => counter.send(text(`load ${i}`)));
    for (const outcome of await Promise.allSettled(wave)) {
      if (outcome.status === 'fulfilled') acknowledged++;
      else refused.push(outcome.reason);
    }
  }
  return { acknowledged, refused };
}

/** The counter survived whole: every acknowledged send counted, its chain verifies and replays, later sends work. */
async function expectIntact(system: ActorSystem, counter: Actor, acknowledged: number): Promise<void> {
  expect(counter.status).toBe('running');
  expect(countOf(counter)).toBe(acknowledged);
  await counter.send(text('after'));
  expect(countOf(counter)).toBe(acknowledged + 1);
  expect(decode(await counter.request(text('ping')))).toBe('echo:ping');
  expect(await system.verify(counter.id)).toMatchObject({ ok: true });
  await counter.stop();
  expect(await system.replay(counter.id)).toMatchObject({ ok: true });
}

function watch(system: ActorSystem): InspectionEvent[] {
  const events: InspectionEvent[] = [];
  system.inspect((event) => {
    if (event.type === 'actor.relocated' || event.type === 'actor.failed') events.push(event);
  });
  return events;
}

describe('a shared scheduler worker', () => {
  it('moves a counter under load to a fresh worker when a co-resident spins past its deadline, losing no acknowledged send', async () => {
    await using system = await testSystem(packed);
    const seen = watch(system);
    const counter = await system.spawn(await manifestOf('echo'));
    const spinner = await system.spawn(await manifestOf('spinner'));
    await counter.send(text('before'));
    const spinning = spinner.send(text('spin')).catch((error: unknown) => error);
    const { acknowledged, refused } = await sendUnderLoad(counter, spinning);
    expect(refused).toEqual([]);
    expect(await spinning).toMatchObject({ code: 'actor-failed' });
    expect(spinner.failure).toMatchObject({ reason: 'operation-timeout', during: 'theater:simple/message-server-client#handle-send' });
    expect(seen).toContainEqual(expect.objectContaining({ type: 'actor.relocated', actorId: counter.id }));
    expect(seen).not.toContainEqual(expect.objectContaining({ type: 'actor.failed', actorId: counter.id }));
    await expectIntact(system, counter, acknowledged + 1);
  });

  it('fails a memory bomb alone at its cap while a counter under load keeps its worker', async () => {
    await using system = await testSystem(packed);
    const seen = watch(system);
    const counter = await system.spawn(await manifestOf('echo'));
    const bomb = await system.spawn(await manifestOf('memory-bomb'));
    await bomb.send(text('small'));
    const exploding = bomb.send(text('bomb')).catch((error: unknown) => error);
    const { acknowledged, refused } = await sendUnderLoad(counter, exploding);
    expect(refused).toEqual([]);
    expect(await exploding).toMatchObject({ code: 'actor-failed' });
    expect(bomb.failure?.reason).toBe('out-of-memory');
    expect(seen.filter((event) => event.type === 'actor.relocated')).toEqual([]);
    await expectIntact(system, counter, acknowledged);
  });

  it('fails a trapping actor alone while a counter under load keeps its worker', async () => {
    await using system = await testSystem(packed);
    const seen = watch(system);
    const counter = await system.spawn(await manifestOf('echo'));
    const trapper = await system.spawn(await manifestOf('trapper'));
    await trapper.send(text('fine'));
    const trapping = trapper.send(text('trap')).catch((error: unknown) => error);
    const { acknowledged, refused } = await sendUnderLoad(counter, trapping);
    expect(refused).toEqual([]);
    expect(await trapping).toMatchObject({ code: 'actor-failed' });
    expect(trapper.failure?.reason).toBe('trap');
    expect(seen.filter((event) => event.type === 'actor.relocated')).toEqual([]);
    // A new actor of the same component starts in the same worker, warm.
    const again = await system.spawn(await manifestOf('trapper'));
    await again.send(text('fine'));
    await expectIntact(system, counter, acknowledged);
  });

  it('aborts, recorded, the started operation of a co-resident blocked in a host call, and replays its chain', async () => {
    await using system = await testSystem(packed);
    const messenger = await system.spawn(await manifestOf('messenger'));
    const spinner = await system.spawn(await manifestOf('spinner'));
    const moved = new Promise<void>((resolve) =>
      system.inspect((event) => event.type === 'actor.relocated' && event.actorId === messenger.id && resolve()),
    );
    // The messenger's request runs the spinner above it in their worker: the spinner's deadline kills the worker.
    const asking = messenger.request(text(`ask ${spinner.id} spin`)).catch((error: unknown) => error);
    expect(await asking).toMatchObject({ code: 'operation-aborted' });
    expect(spinner.failure?.reason).toBe('operation-timeout');
    expect(messenger.status).toBe('running');
    await moved;
    const types = (await messenger.events()).map((event) => event.type);
    expect(types.at(-1)).toBe('wasm.aborted');
    expect(decode(await messenger.request(text('hello')))).toBe('echo:hello');
    expect(await system.verify(messenger.id)).toMatchObject({ ok: true });
    await messenger.stop();
    expect(await system.replay(messenger.id)).toMatchObject({ ok: true });
  });

  it('serves a request between two actors of one worker, also from within a request', async () => {
    await using system = await testSystem(packed);
    const [a, b] = [await system.spawn(await manifestOf('messenger')), await system.spawn(await manifestOf('messenger'))];
    const echo = await system.spawn(await manifestOf('echo'));
    expect(decode(await a.request(text(`ask ${echo.id} hi`)))).toBe('reply:echo:hi');
    expect(decode(await a.request(text(`ask ${b.id} ask ${echo.id} deep`)))).toBe('reply:reply:echo:deep');
  });

  it('starts later instances of a component from spares made ahead of time, each fresh, for a few components in turn', async () => {
    await using system = await testSystem(packed);
    const first = await system.spawn(await manifestOf('echo'));
    for (let i = 0; i < 3; i++) await first.send(text(`n${i}`));
    await system.spawn(await manifestOf('messenger'));
    await system.warm();
    const second = await system.spawn(await manifestOf('echo'));
    const messenger = await system.spawn(await manifestOf('messenger'));
    expect(system.spawnTimings(second.id)?.prepared).toBe(true);
    expect(system.spawnTimings(messenger.id)?.prepared).toBe(true);
    // The spare never ran for anyone: the new actor starts from its own init, beside the first's state.
    expect(countOf(second)).toBe(0);
    await second.send(text('one'));
    expect([countOf(first), countOf(second)]).toEqual([3, 1]);
    expect(decode(await messenger.request(text(`ask ${second.id} hi`)))).toBe('reply:echo:hi');
    await second.stop();
    expect(await system.verify(second.id)).toMatchObject({ ok: true });
    expect(await system.replay(second.id)).toMatchObject({ ok: true });
  });
});
