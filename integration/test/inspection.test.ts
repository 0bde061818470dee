/** Inspection events with real components: each actor event names the actor's parent; restarts and refused messages. */
import { describe, expect, it } from 'vitest';
import type { Actor, ActorSystem, InspectionEvent } from '@theater/kernel';
import { decode, manifestOf, overseerManifest, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** Every inspection event of `system` from now on, in order. */
function recorded(system: ActorSystem): InspectionEvent[] {
  const events: InspectionEvent[] = [];
  system.inspect((event) => events.push(event));
  return events;
}

/** Lets a message sent just before reach the worker and start (the mailbox then holds what waits behind it). */
async function running(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Polls until `done` holds (at most ~10 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

describe('inspection events', () => {
  it('names the parent of each actor in its events, and none for a root', async () => {
    await using system = await testSystem();
    const events = recorded(system);
    const parent = await system.spawn(await overseerManifest());
    const child = await ask(parent, 'spawn manifests/trapper.toml');
    await system.stop(parent.id);
    const about = (actorId: string) =>
      events.filter((event) => 'parentId' in event && event.actorId === actorId && event.type !== 'actor.log');
    expect(about(parent.id).map((event) => event.type)).toEqual(['actor.spawned', 'actor.started', 'actor.stopped']);
    expect(about(parent.id).every((event) => 'parentId' in event && event.parentId === undefined)).toBe(true);
    expect(about(child).map((event) => event.type)).toEqual(['actor.spawned', 'actor.started', 'actor.stopped']);
    expect(about(child).every((event) => 'parentId' in event && event.parentId === parent.id)).toBe(true);
  });

  it('reports a restart when a supervisor restarts its failed child, when an operator restarts an actor, and when a stored actor resumes', async () => {
    await using system = await testSystem();
    const events = recorded(system);
    const restarts = (): InspectionEvent[] => events.filter((event) => event.type === 'actor.restarted');
    const parent = await system.spawn(await overseerManifest());
    const child = await ask(parent, 'spawn manifests/trapper.toml');

    await system.request(child, text('trap')).catch(() => {});
    await until(() => restarts().length === 1);
    expect(restarts()[0]).toMatchObject({ type: 'actor.restarted', actorId: child, parentId: parent.id, name: 'trapper', resumed: false });
    // A restart is also a spawn and a start, around it.
    const ofChild = (): string[] =>
      events.filter((event) => 'parentId' in event && event.actorId === child && event.type !== 'actor.log').map((event) => event.type);
    await until(() => ofChild().filter((type) => type === 'actor.started').length === 2);
    expect(ofChild()).toEqual(['actor.spawned', 'actor.started', 'actor.failed', 'actor.spawned', 'actor.restarted', 'actor.started']);

    await system.restart(parent.id);
    expect(restarts()[1]).toMatchObject({
      type: 'actor.restarted',
      actorId: parent.id,
      parentId: undefined,
      name: 'overseer',
      resumed: false,
    });

    await system.stop(parent.id);
    await system.resume(parent.id);
    expect(restarts()[2]).toMatchObject({ type: 'actor.restarted', actorId: parent.id, parentId: undefined, resumed: true });
  });

  it('reports a message refused by a full mailbox and one refused by an actor that is no longer running', async () => {
    await using system = await testSystem();
    const events = recorded(system);
    const rejections = (): InspectionEvent[] => events.filter((event) => event.type === 'message.rejected');
    const base = await manifestOf('spinner');
    const spinner = await system.spawn({ ...base, limits: { ...base.limits, mailbox: 1, callTimeoutMs: 1500 } });

    const spinning = spinner.send(text('spin')).catch((error: unknown) => error);
    await running();
    const waiting = spinner.send(text('one')).catch((error: unknown) => error);
    await expect(spinner.send(text('two'))).rejects.toMatchObject({ code: 'mailbox-full' });
    expect(rejections()).toEqual([
      {
        type: 'message.rejected',
        actorId: spinner.id,
        from: undefined,
        kind: 'send',
        code: 'mailbox-full',
        message: expect.stringMatching(/has 1 operations waiting/u) as unknown,
      },
    ]);

    await expect(spinning).resolves.toMatchObject({ code: 'actor-failed' });
    await waiting;
    await spinner.exited;
    await expect(spinner.request(text('late'))).rejects.toMatchObject({ code: 'actor-not-running' });
    expect(rejections()[1]).toMatchObject({
      type: 'message.rejected',
      actorId: spinner.id,
      from: undefined,
      kind: 'request',
      code: 'actor-not-running',
    });
  });

  it('names the sending actor of a refused message', async () => {
    await using system = await testSystem();
    const events = recorded(system);
    const base = await manifestOf('spinner');
    const spinner = await system.spawn({ ...base, limits: { ...base.limits, mailbox: 1, callTimeoutMs: 1500 } });
    const messenger = await system.spawn(await manifestOf('messenger'));
    void spinner.send(text('spin')).catch(() => {});
    await running();
    void spinner.send(text('one')).catch(() => {});
    expect(await ask(messenger, `tell ${spinner.id} hi`)).toMatch(/^error:mailbox-full: /u);
    expect(events.filter((event) => event.type === 'message.rejected')).toMatchObject([
      { type: 'message.rejected', actorId: spinner.id, from: messenger.id, kind: 'send', code: 'mailbox-full' },
    ]);
  });
});
