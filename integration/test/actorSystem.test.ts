import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import { isKernelError, type InspectionEvent } from '@theater/kernel';
import { decode, manifestOf, tempDir, testSystem, text } from './helpers.js';

describe('actor system', () => {
  it('spawns an actor, runs init with its id, and delivers sends and requests in order', async () => {
    await using system = await testSystem();
    const logs: string[] = [];
    system.inspect((event) => {
      if (event.type === 'actor.log') logs.push(event.message);
    });
    const echo = await system.spawn(await manifestOf('echo'));
    expect(echo.status).toBe('running');
    await Promise.all([echo.send(text('one')), echo.send(text('two'))]);
    expect(decode(await echo.request(text('hi')))).toBe('echo:hi');
    expect(JSON.parse(decode(echo.state()))).toEqual({ count: 2 });
    expect(logs).toEqual([`init ${echo.id}`, 'got one', 'got two']);
  });

  it('records every call, host call and result in the order they happened', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('hello'));
    expect((await echo.events()).map((e) => e.type)).toEqual([
      'actor.spawn',
      'wasm.call',
      'theater:simple/runtime.log',
      'wasm.result',
      'wasm.call',
      'theater:simple/runtime.log',
      'wasm.result',
    ]);
    const events = await echo.events();
    expect(decodeEventData(events[4]!.data)).toMatchObject({
      interface: 'theater:simple/message-server-client',
      function: 'handle-send',
      params: [text('hello')],
    });
    expect(decodeEventData(events[5]!.data)).toEqual({ args: ['got hello'], result: null });
    events.forEach((event, i) => {
      expect(event.seq).toBe(i);
      expect(event.parent).toEqual(i === 0 ? null : events[i - 1]!.hash);
    });
  });

  it('answers runtime get-chain with the events recorded so far', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    // spawn, init call/log/result, then this request's call: 5 events when the guest asks
    expect(decode(await echo.request(text('chain')))).toBe('5');
    expect((await echo.events()).map((e) => e.type)).toContain('theater:simple/runtime.get-chain');
  });

  it('stops an actor that calls runtime shutdown once the operation commits, reporting its data', async () => {
    await using system = await testSystem();
    const stopped: InspectionEvent[] = [];
    system.inspect((event) => event.type === 'actor.stopped' && stopped.push(event));
    const echo = await system.spawn(await manifestOf('echo'));
    expect(decode(await echo.request(text('shutdown')))).toBe('bye');
    const exit = await echo.exited;
    expect(exit).toEqual({ status: 'stopped', by: 'self', data: text('bye') });
    expect(echo.status).toBe('stopped');
    expect(stopped).toHaveLength(1);
    await expect(echo.send(text('late'))).rejects.toMatchObject({ code: 'actor-not-running' });
  });

  it('keeps the state a guest returns and passes it to the next call', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'), { initState: text('{"count":40}') });
    await echo.send(text('a'));
    await echo.send(text('b'));
    expect(decode(await echo.request(text('state')))).toBe('{"count":42}');
  });

  it('refuses a full mailbox with mailbox-full and drops nothing it accepted', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo', { limits: { ...(await manifestOf('echo')).limits, mailbox: 4 } }));
    const sends = Array.from({ length: 80 }, (_, i) => echo.send(text(`m${i}`)));
    const outcomes = await Promise.allSettled(sends);
    const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'mailbox-full' });
    expect(JSON.parse(decode(echo.state()))).toEqual({ count: accepted });
  });

  it('finds, lists and stops actors, and refuses unknown ids', async () => {
    await using system = await testSystem();
    const a = await system.spawn(await manifestOf('echo'));
    const b = await system.spawn(await manifestOf('echo'));
    expect(system.get(a.id)).toBe(a);
    expect(
      system
        .list()
        .map((x) => x.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    await system.stop(a.id);
    expect(a.status).toBe('stopped');
    expect(await a.exited).toEqual({ status: 'stopped', by: 'request', data: undefined });
    await expect(system.stop('nope')).rejects.toMatchObject({ code: 'actor-not-found' });
    expect(decode(await b.request(text('x')))).toBe('echo:x');
  });

  it('stops every actor on close and refuses spawns afterwards', async () => {
    const system = await testSystem();
    const a = await system.spawn(await manifestOf('echo'));
    await system.close();
    expect(a.status).toBe('stopped');
    await expect(system.spawn(await manifestOf('echo'))).rejects.toMatchObject({ code: 'system-closed' });
    await system.close(); // idempotent
  });

  it('reuses the transpiled component from disk in a new system and from memory within one', async () => {
    await using home = await tempDir();
    const { createActorSystem } = await import('@theater/kernel');
    const { defaultHandlers } = await import('@theater/handlers');
    const manifest = await manifestOf('echo');
    // One system at a time owns a home (its chain store), so the second opens after the first has closed.
    const first = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const a = await first.spawn(manifest);
    const b = await first.spawn(manifest);
    expect(['transpiled', 'disk']).toContain(first.spawnTimings(a.id)?.cache);
    expect(first.spawnTimings(b.id)?.cache).toBe('memory');
    await first.close();
    await using second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const c = await second.spawn(manifest);
    expect(second.spawnTimings(c.id)?.cache).toBe('disk');
    expect(c.componentHash).toBe(a.componentHash);
  });

  it('rejects bad arguments with TypeError', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await expect(echo.send('text' as unknown as Uint8Array)).rejects.toThrow(TypeError);
    expect(isKernelError(new TypeError('x'))).toBe(false);
  });
});

describe('message ownership', () => {
  it('records the bytes the guest received even when the caller reuses its buffer', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    const buffer = text('first');
    const sent = echo.send(buffer);
    buffer.set(text('later'));
    await sent;
    const call = (await echo.events()).filter((e) => e.type === 'wasm.call').at(-1)!;
    expect(decodeEventData(call.data)).toMatchObject({ params: [text('first')] });
    expect((await echo.events()).map((e) => e.type)).toContain('theater:simple/runtime.log');
    const log = (await echo.events()).filter((e) => e.type === 'theater:simple/runtime.log').at(-1)!;
    expect(decodeEventData(log.data)).toEqual({ args: ['got first'], result: null });
  });
});

describe('stopping and closing', () => {
  it('finishes the running operation on stop and refuses those not started', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    const sends = Array.from({ length: 300 }, (_, i) => echo.send(text(`m${i}`)));
    const settled = Promise.allSettled(sends);
    await sends[0];
    await echo.stop();
    const outcomes = await settled;
    const done = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(300);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'actor-not-running' });
    }
    expect(JSON.parse(decode(echo.state()))).toEqual({ count: done });
    expect((await echo.events()).at(-1)?.type).toBe('actor.stop');
  });

  it('ends spawns in flight when the system closes, leaving no actor behind', async () => {
    const system = await testSystem();
    const manifest = await manifestOf('echo');
    const spawning = system.spawn(manifest);
    await system.close();
    const outcome = await spawning.then(
      (actor) => actor.status,
      (error: { code: string }) => error.code,
    );
    expect(['stopped', 'system-closed', 'actor-not-running']).toContain(outcome);
    expect(system.list()).toEqual([]);
  });

  it('removes ended actors from the registry but keeps them readable', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('x'));
    await echo.stop();
    expect(system.get(echo.id)).toBeUndefined();
    expect(JSON.parse(decode(echo.state()))).toEqual({ count: 1 });
  });
});

describe('bad input', () => {
  it('refuses a call to an export the actor lacks without touching the actor', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    const events = (await echo.events()).length;
    await expect(echo.call('theater:simple/supervisor-handlers', 'handle-child-exit', ['x', undefined])).rejects.toMatchObject({
      code: 'export-missing',
      message: `actor echo (${echo.id}) does not export theater:simple/supervisor-handlers#handle-child-exit`,
    });
    expect(echo.status).toBe('running');
    expect(await echo.events()).toHaveLength(events);
    expect(decode(await echo.request(text('still')))).toBe('echo:still');
  });

  it('refuses params that cannot be sent to the worker with TypeError', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await expect(echo.call('theater:simple/message-server-client', 'handle-send', [() => 1])).rejects.toThrow(TypeError);
    expect(echo.status).toBe('running');
    expect(decode(await echo.request(text('fine')))).toBe('echo:fine');
  });

  it('keeps running when an inspector throws', async () => {
    await using system = await testSystem();
    system.inspect(() => {
      throw new Error('broken inspector');
    });
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('a'));
    expect(decode(await echo.request(text('b')))).toBe('echo:b');
  });
});
