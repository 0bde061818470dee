/** Replay: an actor re-run from its chain alone, matching hash for hash, or reporting its first divergence. */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { defaultHandlers } from '@theater/handlers';
import { createEvent, decodeEventData, encodeEventData, readChainFile, verifyChain, type ChainEvent } from '@theater/event-chain';
import {
  actorFailEvent,
  actorStopEvent,
  createActorSystem,
  wasmAbortedEvent,
  type Actor,
  type ActorSystem,
  type EncodedEvent,
} from '@theater/kernel';
import { testActorComponent } from '@theater/test-actors';
import { manifestOf, tempDir, text } from './helpers.js';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

async function* fromArray(events: readonly ChainEvent[]): AsyncGenerator<ChainEvent> {
  yield* events;
}

/** Runs echo through sends, requests and host calls of every runtime function, then stops it. */
async function recordEcho(system: ActorSystem, how: 'stop' | 'shutdown' | 'running'): Promise<{ id: string; events: ChainEvent[] }> {
  const echo = await system.spawn(await manifestOf('echo'));
  await Promise.all([echo.send(text('one')), echo.send(text('two'))]);
  await echo.request(text('stored'));
  await echo.request(text('chain'));
  await echo.request(text('echo me'));
  if (how === 'shutdown') {
    await echo.request(text('shutdown'));
    await echo.exited;
  } else if (how === 'stop') {
    await echo.stop();
  }
  return { id: echo.id, events: await echo.events() };
}

/** `events` linked and hashed again in their order: a valid chain of that history. */
function rechain(events: readonly ChainEvent[]): ChainEvent[] {
  const out: ChainEvent[] = [];
  for (const event of events) out.push(createEvent(out.at(-1), { type: event.type, data: event.data, time: event.time }));
  return out;
}

/** The chain with event `from`'s data changed by `change`, re-hashed: a valid chain of another history. */
function rewrite(events: readonly ChainEvent[], from: number, change: (event: ChainEvent) => Uint8Array): ChainEvent[] {
  return rechain(events.map((event) => (event.seq === from ? { ...event, data: change(event) } : event)));
}

/** The chain `events` with the events `drop` picks left out, re-hashed. */
function without(events: readonly ChainEvent[], drop: (event: ChainEvent) => boolean): ChainEvent[] {
  return rechain(events.filter((event) => !drop(event)));
}

/** A trapper made to trap: it failed, its chain ends with `actor.fail`. */
async function trapped(system: ActorSystem): Promise<Actor> {
  const trapper = await system.spawn(await manifestOf('trapper'));
  await trapper.request(text('trap')).catch(() => {});
  await trapper.exited;
  return trapper;
}

describe('replay', () => {
  it('re-runs a stopped actor from its stored chain, hash for hash, with no side effects', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const logs: string[] = [];
    const { id, events } = await recordEcho(system, 'stop');
    system.inspect((event) => event.type === 'actor.log' && logs.push(event.message));
    const result = await system.replay(id);
    expect(result).toMatchObject({ ok: true, actorId: id, events: events.length, divergence: undefined });
    expect(result.replayedComponent).toBe(result.recordedComponent);
    // The replayed actor logged nothing for real, and its chain in the store is untouched.
    expect(logs).toEqual([]);
    expect(await system.events(id)).toEqual(events);
  });

  it('replays an actor that stopped itself, and one whose chain ends while it runs', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const stoppedItself = await recordEcho(system, 'shutdown');
    expect(stoppedItself.events.at(-1)?.type).toBe('actor.stop');
    expect(await system.replay(stoppedItself.id)).toMatchObject({ ok: true, events: stoppedItself.events.length });
    const running = await recordEcho(system, 'running');
    expect(await system.replay(running.id)).toMatchObject({ ok: true, events: running.events.length });
  });

  it('replays an actor that failed, reproducing the trap', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const trapper = await trapped(system);
    const events = await trapper.events();
    expect(await system.replay(trapper.id)).toMatchObject({ ok: true, events: events.length });
  });

  it('replays a chain file', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { id, events } = await recordEcho(system, 'stop');
    const file = new Uint8Array(Buffer.concat(await collect(system.exportChain(id))));
    const result = await system.replay(readChainFile(file).events());
    expect(result).toMatchObject({ ok: true, actorId: id, events: events.length });
  });

  it('reports the first divergence when a recorded host output was altered (and the chain re-hashed)', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'stop');
    const getState = events.findIndex((e) => e.type === 'theater:simple/runtime.get-state');
    const altered = rewrite(events, getState, () => encodeEventData({ args: [], result: text('{"count":99}') }));
    const result = await system.replay(fromArray(altered));
    expect(result.ok).toBe(false);
    // The guest replied with what the host answered: the request's result is the first event that differs.
    expect(result.divergence).toMatchObject({
      index: getState + 1,
      reason: "the wasm.result event's data differs",
      expected: { type: 'wasm.result', data: { function: 'handle-request', output: [text('{"count":2}')] } },
      actual: { type: 'wasm.result', data: { function: 'handle-request', output: [text('{"count":99}')] } },
    });
    expect(result.events).toBe(getState + 1);
  });

  it('refuses a chain whose altered output was not re-hashed, or whose link was broken, with the verdict verify gives', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'stop');
    const getState = events.findIndex((e) => e.type === 'theater:simple/runtime.get-state');
    const tampered = events.map((e) =>
      e.seq === getState ? { ...e, data: encodeEventData({ args: [], result: text('{"count":99}') }) } : e,
    );
    const verdict = await verifyChain(tampered);
    expect(verdict).toMatchObject({ ok: false, index: getState });
    await expect(system.replay(fromArray(tampered))).rejects.toMatchObject({
      code: 'invalid-chain',
      message: `the chain does not verify at event ${getState}: ${(verdict as { reason: string }).reason}`,
    });
    // One flipped bit of event 1's parent hash: the link breaks there.
    const parent = Uint8Array.from(events[1]!.parent!);
    parent[0]! ^= 1;
    const unlinked = events.map((e) => (e.seq === 1 ? { ...e, parent } : e));
    await expect(system.replay(fromArray(unlinked))).rejects.toMatchObject({
      code: 'invalid-chain',
      message: expect.stringMatching(/^the chain does not verify at event 1: event 1 has parent /u) as unknown,
    });
  });

  it('refuses recorded call or spawn data that does not decode with invalid-chain, naming the event', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'stop');
    const lastCall = events.findLastIndex((e) => e.type === 'wasm.call');
    const cut = rewrite(events, lastCall, (event) => event.data.subarray(0, 10));
    await expect(system.replay(fromArray(cut))).rejects.toMatchObject({
      name: 'KernelError',
      code: 'invalid-chain',
      message: expect.stringMatching(
        new RegExp(`^event ${lastCall} \\(wasm\\.call\\) cannot be replayed: its data does not decode: `, 'u'),
      ) as unknown,
    });
    const nullSpawn = rewrite(events, 0, () => encodeEventData(null));
    await expect(system.replay(fromArray(nullSpawn))).rejects.toMatchObject({
      code: 'invalid-chain',
      message: 'event 0 (actor.spawn) cannot be replayed: expected its data as an object',
    });
    const noLimits = rewrite(events, 0, (event) => {
      const spawn = decodeEventData(event.data) as { manifest: Record<string, unknown> };
      return encodeEventData({ ...spawn, manifest: { ...spawn.manifest, limits: null } });
    });
    await expect(system.replay(fromArray(noLimits))).rejects.toMatchObject({
      code: 'invalid-chain',
      message: 'event 0 (actor.spawn) cannot be replayed: expected manifest.limits as an object',
    });
  });

  it('refuses a recorded limit beyond what a manifest may hold, naming it, before running anything', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'stop');
    const huge = rewrite(events, 0, (event) => {
      const data = decodeEventData(event.data) as { manifest: { limits: Record<string, number> } };
      data.manifest.limits['initTimeoutMs'] = 2 ** 40;
      return encodeEventData(data);
    });
    await expect(system.replay(fromArray(huge))).rejects.toMatchObject({
      code: 'invalid-chain',
      message:
        'event 0 (actor.spawn) cannot be replayed: expected manifest.limits.initTimeoutMs as a positive integer of at most 2147483647',
    });
  });

  it('reports recorded host-call data that does not decode as a divergence at that event', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'stop');
    const getState = events.findIndex((e) => e.type === 'theater:simple/runtime.get-state');
    const result = await system.replay(fromArray(rewrite(events, getState, () => text('{"args":'))));
    expect(result.divergence).toMatchObject({
      index: getState,
      reason: "the recorded theater:simple/runtime.get-state event's data does not decode (the chain holds corrupt data here)",
    });
  });

  it('reports where a substituted component behaves differently', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { id, events } = await recordEcho(system, 'stop');
    // trapper logs "trapper <id> ready" in init where echo logged "init <id>".
    const result = await system.replay(id, { componentPath: testActorComponent('trapper') });
    expect(result.ok).toBe(false);
    expect(result.replayedComponent).not.toBe(result.recordedComponent);
    expect(result.divergence).toMatchObject({
      index: 2,
      expected: { type: 'theater:simple/runtime.log', data: { args: [`init ${id}`] } },
      actual: { type: 'theater:simple/runtime.log', data: { args: [`trapper ${id} ready`] } },
    });
    expect(bytesToHex(events[2]!.hash)).toBe(result.divergence?.expected?.hash);
    // The same component given explicitly replays cleanly.
    expect(await system.replay(id, { componentPath: testActorComponent('echo') })).toMatchObject({ ok: true });
  });

  it('reports a replay that ends before the chain does', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordEcho(system, 'running');
    // An extra recorded event after the last result that no replay can produce.
    const extended = [
      ...events,
      createEvent(events.at(-1), { type: 'theater:simple/runtime.log', data: encodeEventData({ args: ['ghost'], result: null }), time: 1 }),
    ];
    const result = await system.replay(fromArray(extended));
    expect(result.divergence).toMatchObject({ index: events.length, expected: { type: 'theater:simple/runtime.log' }, actual: undefined });
    expect(decodeEventData(extended.at(-1)!.data)).toEqual({ args: ['ghost'], result: null });
  });

  it('replays many calls into an actor with a small mailbox without overflowing it', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const base = await manifestOf('echo');
    const echo = await system.spawn({ ...base, limits: { ...base.limits, mailbox: 2 } });
    for (let i = 0; i < 40; i++) await echo.send(text(`message ${i}`));
    await echo.stop();
    expect(await system.replay(echo.id)).toMatchObject({ ok: true, events: 1 + 3 + 40 * 3 + 1 });
  });
});

describe('replay across lifetimes', () => {
  /** Echo through a stop, a resume, a restart while it runs, and a stop: three lifetimes in one chain. */
  async function recordLifetimes(system: ActorSystem): Promise<{ id: string; events: ChainEvent[] }> {
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.request(text('stored'));
    await echo.send(text('one'));
    await echo.stop();
    const resumed = await system.resume(echo.id);
    await resumed.request(text('chain'));
    await resumed.send(text('two'));
    const restarted = await system.restart(echo.id);
    await restarted.request(text('echo me'));
    await restarted.stop();
    return { id: echo.id, events: await system.events(echo.id) };
  }

  it('replays a chain through a stop, a resume and a restart, hash for hash', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { id, events } = await recordLifetimes(system);
    expect(events.filter((e) => e.type === 'actor.restart')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'actor.stop')).toHaveLength(3);
    expect(await system.replay(id)).toMatchObject({ ok: true, actorId: id, events: events.length, divergence: undefined });
    // From a chain file too.
    const file = new Uint8Array(Buffer.concat(await collect(system.exportChain(id))));
    expect(await system.replay(readChainFile(file).events())).toMatchObject({ ok: true, events: events.length });
  });

  it('replays a failed lifetime, then the resumed one', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const trapper = await trapped(system);
    const resumed = await system.resume(trapper.id);
    await resumed.stop();
    const events = await system.events(trapper.id);
    expect(events.map((e) => e.type)).toContain('actor.fail');
    expect(await system.replay(trapper.id)).toMatchObject({ ok: true, events: events.length });
  });

  it('replays a lifetime whose process ended without a stop, or in the middle of a call', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordLifetimes(system);
    const firstStop = events.findIndex((e) => e.type === 'actor.stop');
    // Killed after its last call: no stop before the resume.
    const killed = without(events, (e) => e.seq === firstStop);
    expect(await system.replay(fromArray(killed))).toMatchObject({ ok: true, events: killed.length });
    // Killed inside its last call (a send that logged): it recorded a call and a host call, no result, no stop.
    expect(events[firstStop - 1]?.type).toBe('wasm.result');
    const cut = without(events, (e) => e.seq === firstStop || e.seq === firstStop - 1);
    expect(await system.replay(fromArray(cut))).toMatchObject({ ok: true, events: cut.length });
    // And the last lifetime cut the same way, at the chain's end.
    const lastResult = events.findLastIndex((e) => e.type === 'wasm.result');
    const cutAtEnd = events.slice(0, lastResult);
    expect(await system.replay(fromArray(cutAtEnd))).toMatchObject({ ok: true, events: cutAtEnd.length });
    // Killed while it restarted: before the restarted init was recorded, and inside it (it logged, no result).
    const restart = events.findIndex((e) => e.type === 'actor.restart');
    expect(events.slice(restart + 1, restart + 3).map((e) => e.type)).toEqual(['wasm.call', 'theater:simple/runtime.log']);
    for (const end of [restart + 1, restart + 3]) {
      expect(await system.replay(fromArray(events.slice(0, end)))).toMatchObject({ ok: true, events: end });
    }
  });

  it('reports a divergence in a later lifetime at its event', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordLifetimes(system);
    const getChain = events.findIndex((e) => e.type === 'theater:simple/runtime.get-chain');
    expect(getChain).toBeGreaterThan(events.findIndex((e) => e.type === 'actor.restart'));
    const altered = rewrite(events, getChain, () => encodeEventData({ args: [], result: [] }));
    const result = await system.replay(fromArray(altered));
    expect(result).toMatchObject({
      ok: false,
      events: getChain + 1,
      divergence: { index: getChain + 1, expected: { type: 'wasm.result' } },
    });
  });

  it('replays lifetimes whose stop or failure a kill lost: the instance stopped itself, or trapped, then resumed', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.request(text('shutdown'));
    await echo.exited;
    await (await system.resume(echo.id)).stop();
    const trapper = await trapped(system);
    await (await system.resume(trapper.id)).stop();
    for (const [id, lost] of [
      [echo.id, 'actor.stop'],
      [trapper.id, 'actor.fail'],
    ] as const) {
      const events = await system.events(id);
      const end = events.findIndex((e) => e.type === lost);
      // The result before it was durable; the end the instance recorded by itself was not.
      const killed = without(events, (e) => e.seq === end);
      expect(await system.replay(fromArray(killed)), `${lost} lost mid-chain`).toMatchObject({ ok: true, events: killed.length });
      const cut = events.slice(0, end);
      expect(await system.replay(fromArray(cut)), `${lost} lost at the end`).toMatchObject({ ok: true, events: cut.length });
    }
  });

  it('replays lifetimes ended from outside: failed while starting, stopped while starting, failed after a call', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordLifetimes(system);
    const firstStop = events.findIndex((e) => e.type === 'actor.stop');
    const restart = events.find((e) => e.type === 'actor.restart')!;
    const as = (event: ChainEvent, encoded: EncodedEvent): ChainEvent => ({ ...event, type: encoded.type, data: encoded.data });
    const startFailed = actorFailEvent.encode({
      reason: 'init-failed',
      message: 'the actor system closed before it started',
      during: undefined,
    });
    const startStopped = actorStopEvent.encode({ by: 'request', data: null });
    for (const end of [startFailed, startStopped]) {
      // A restart whose instance never ran init, in the middle of the chain and at its end.
      const mid = rechain([...events.slice(0, firstStop + 1), restart, as(restart, end), ...events.slice(firstStop + 1)]);
      expect(await system.replay(fromArray(mid)), end.type).toMatchObject({ ok: true, events: mid.length });
      const atEnd = rechain([...events, restart, as(restart, end)]);
      expect(await system.replay(fromArray(atEnd)), end.type).toMatchObject({ ok: true, events: atEnd.length });
    }
    // Failed from outside after its last call (its supervisor's restart intensity), then resumed.
    const intensity = actorFailEvent.encode({ reason: 'internal', message: 'restart intensity exceeded', during: undefined });
    const failed = rechain(events.map((e) => (e.seq === firstStop ? as(e, intensity) : e)));
    expect(await system.replay(fromArray(failed))).toMatchObject({ ok: true, events: failed.length });
    // Its last call aborted with its shared worker, then stopped: the stop is replayed once.
    const abort = wasmAbortedEvent.encode({
      interface: 'theater:simple/message-server-client',
      function: 'handle-send',
      message: 'its worker died',
    });
    const aborted = rechain(events.map((e) => (e.seq === firstStop - 1 ? as(e, abort) : e)));
    expect(await system.replay(fromArray(aborted))).toMatchObject({ ok: true, events: aborted.length });
    expect(await system.replay(fromArray(aborted.slice(0, firstStop + 1)))).toMatchObject({ ok: true, events: firstStop + 1 });
  });

  it('stops every replayed instance, also when the replay diverges', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordLifetimes(system);
    // Replayed instances are no system's actors: the kernel's own class is watched to see each one that starts.
    const source = new URL('../../packages/kernel/src/actor/actorInstance.ts', import.meta.url).href;
    type Instance = { readonly status: string };
    const { ActorInstance } = (await import(source)) as { ActorInstance: { prototype: { start: (...args: unknown[]) => unknown } } };
    const started: Instance[] = [];
    const start = ActorInstance.prototype.start;
    ActorInstance.prototype.start = function (this: Instance, ...args: unknown[]) {
      started.push(this);
      return start.apply(this, args);
    };
    try {
      const getChain = events.findIndex((e) => e.type === 'theater:simple/runtime.get-chain');
      const altered = rewrite(events, getChain, () => encodeEventData({ args: [], result: [] }));
      expect(await system.replay(fromArray(altered))).toMatchObject({ ok: false });
      expect(await system.replay(fromArray(events))).toMatchObject({ ok: true });
    } finally {
      ActorInstance.prototype.start = start;
    }
    // Two lifetimes of the diverging replay, three of the other.
    expect(started.map((actor) => actor.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
  });

  it('refuses a lifetime that does not begin with init, naming its restart event', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const { events } = await recordLifetimes(system);
    const restart = events.findIndex((e) => e.type === 'actor.restart');
    // The resumed lifetime's init and its events left out: a send is the first call after the restart.
    const initResult = events.findIndex((e, i) => i > restart && e.type === 'wasm.result');
    const noInit = without(events, (e) => e.seq > restart && e.seq <= initResult);
    await expect(system.replay(fromArray(noInit))).rejects.toMatchObject({
      code: 'invalid-chain',
      message: `the first call after event ${restart} (actor.restart) is not init(id) of the chain's actor`,
    });
  });
});
