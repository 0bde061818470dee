/** The timing, random and environment handlers, through a real component, with their limits and denials. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import { TestClock, hostCallEvent, type Actor } from '@theater/kernel';
import { decode, manifestOf, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

describe('timing', () => {
  it("reads the clock and sleeps within the manifest's limits, refusing longer sleeps", async () => {
    await using system = await testSystem();
    const probe = await system.spawn(await manifestOf('probe'));
    const before = Date.now();
    const now = Number(await ask(probe, 'now'));
    expect(now).toBeGreaterThanOrEqual(before - 1);
    expect(now).toBeLessThanOrEqual(Date.now());
    const started = performance.now();
    expect(await ask(probe, 'sleep 50')).toBe('slept');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(await ask(probe, 'sleep 5000')).toBe('error:permission-denied: a sleep of 5000 ms is outside 0..1000 ms');
    const denial = (await probe.events()).filter((e) => e.type === 'theater:simple/timing.sleep').at(-1)!;
    expect(decodeEventData(denial.data)).toEqual({ args: [5000n], error: 'permission-denied: a sleep of 5000 ms is outside 0..1000 ms' });
  });

  it("reads the time and sleeps on the system's clock: a test clock wakes a sleep only once advanced past it", async () => {
    // Behind the real time: the worker stamps an operation's start with the real clock, so a test clock ahead of it
    // would put every running operation past its deadline.
    const clock = new TestClock(1_700_000_000_000);
    await using system = await testSystem({ clock });
    const probe = await system.spawn(await manifestOf('probe'));
    expect(await ask(probe, 'now')).toBe('1700000000000');
    let reply: string | undefined;
    const sleeping = ask(probe, 'sleep 500').then((text) => (reply = text));
    await until(() => clock.pendingTimers().includes(500));
    await clock.advance(499);
    expect(reply).toBeUndefined();
    await clock.advance(1);
    expect(await sleeping).toBe('slept');
    const sleep = (await probe.events()).filter((e) => e.type === 'theater:simple/timing.sleep').at(-1)!;
    // The recorder stamps the host call with the clock's time, when the sleep ended.
    expect(sleep.time).toBe(1_700_000_000_500);
    expect(hostCallEvent.decode(sleep)).toEqual({ args: [500n], result: null });
  });
});

/** Polls `done` on the real event loop (the actor's worker runs in real time) until it holds. */
async function until(done: () => boolean): Promise<void> {
  for (let attempt = 0; !done(); attempt++) {
    if (attempt > 1000) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('an async host call outliving its actor', () => {
  it("is not recorded after the actor's failure: the chain ends with actor.fail", async () => {
    await using system = await testSystem();
    const probe = await system.spawn(await manifestOf('probe', { limits: { ...(await manifestOf('probe')).limits, callTimeoutMs: 300 } }));
    // The external request gives up at half the call timeout; the actor fails at its deadline.
    await expect(probe.request(text('sleep 900'))).rejects.toMatchObject({ code: 'request-timeout' });
    expect(await probe.exited).toMatchObject({ status: 'failed', failure: { reason: 'operation-timeout' } });
    // Let the sleep settle after the failure.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const types = (await system.events(probe.id)).map((event) => event.type);
    expect(types.at(-1)).toBe('actor.fail');
    expect(types.filter((type) => type === 'theater:simple/timing.sleep')).toEqual([]);
    expect((await system.verify(probe.id)).ok).toBe(true);
  });
});

describe('random', () => {
  it('is deterministic with a seed, keeps ranges, floats and UUIDs well-formed, and enforces max_bytes', async () => {
    await using system = await testSystem();
    const manifest = await manifestOf('probe');
    const first = await system.spawn(manifest);
    const second = await system.spawn(manifest);
    const sequence = async (probe: Actor): Promise<string[]> => [
      await ask(probe, 'bytes 16'),
      await ask(probe, 'range 10 20'),
      await ask(probe, 'uuid'),
    ];
    const a = await sequence(first);
    expect(await sequence(second)).toEqual(a);
    expect(a[0]).toMatch(/^[0-9a-f]{32}$/u);
    expect(a[2]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    for (let i = 0; i < 50; i++) {
      const value = Number(await ask(first, 'range 10 13'));
      expect(value).toBeGreaterThanOrEqual(10);
      expect(value).toBeLessThan(13);
      const float = Number(await ask(first, 'float'));
      expect(float).toBeGreaterThanOrEqual(0);
      expect(float).toBeLessThan(1);
    }
    expect(await ask(first, 'range 5 5')).toBe('error:invalid range: min (5) must be below max (5)');
    expect(await ask(first, 'bytes 65')).toBe('error:permission-denied: 65 random bytes requested; max_bytes is 64');
    // Without a seed, two actors differ.
    const unseeded = {
      ...manifest,
      handlers: manifest.handlers.map((h) => (h.type === 'random' ? { type: 'random' as const, maxBytes: 64 } : h)),
    };
    const [x, y] = [await system.spawn(unseeded), await system.spawn(unseeded)];
    expect(await ask(x, 'bytes 16')).not.toBe(await ask(y, 'bytes 16'));
  });

  it('replays from the chain even without a seed', async () => {
    await using system = await testSystem();
    const manifest = await manifestOf('probe');
    const unseeded = {
      ...manifest,
      handlers: manifest.handlers.map((h) => (h.type === 'random' ? { type: 'random' as const, maxBytes: 64 } : h)),
    };
    const probe = await system.spawn(unseeded);
    await ask(probe, 'bytes 8');
    await ask(probe, 'uuid');
    await ask(probe, 'now');
    await probe.stop();
    expect(await system.replay(probe.id)).toMatchObject({ ok: true });
  });
});

describe('environment', () => {
  const set = {
    THEATER_PROBE_VISIBLE: 'yes',
    THEATER_PROBE_DENIED: 'secret',
    THEATER_PROBE_PREFIX_A: 'a',
    THEATER_PROBE_HIDDEN: 'hidden',
  };
  beforeAll(() => Object.assign(process.env, set));
  afterAll(() => {
    for (const name of Object.keys(set)) delete process.env[name];
  });

  it('shows allowed and prefixed variables only; a denied or unlisted one reads as absent', async () => {
    await using system = await testSystem();
    const probe = await system.spawn(await manifestOf('probe'));
    expect(await ask(probe, 'env THEATER_PROBE_VISIBLE')).toBe('yes');
    expect(await ask(probe, 'env THEATER_PROBE_PREFIX_A')).toBe('a');
    expect(await ask(probe, 'env THEATER_PROBE_DENIED')).toBe('none');
    expect(await ask(probe, 'env THEATER_PROBE_HIDDEN')).toBe('none');
    expect(await ask(probe, 'env PATH')).toBe('none');
    expect(await ask(probe, 'exists THEATER_PROBE_DENIED')).toBe('false');
    expect(await ask(probe, 'exists THEATER_PROBE_VISIBLE')).toBe('true');
    expect(JSON.parse(await ask(probe, 'vars'))).toEqual([
      ['THEATER_PROBE_PREFIX_A', 'a'],
      ['THEATER_PROBE_VISIBLE', 'yes'],
    ]);
  });

  it('lists nothing unless allow_list_all is set', async () => {
    await using system = await testSystem();
    const manifest = await manifestOf('probe');
    const quiet = { ...manifest, handlers: manifest.handlers.map((h) => (h.type === 'environment' ? { ...h, allowListAll: false } : h)) };
    const probe = await system.spawn(quiet);
    expect(await ask(probe, 'vars')).toBe('[]');
    expect(await ask(probe, 'env THEATER_PROBE_VISIBLE')).toBe('yes');
  });
});
