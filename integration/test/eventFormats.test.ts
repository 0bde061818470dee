/** Event format versions: a chain recorded in v1 (JSON event data) still verifies, replays and continues in v2. */
import { describe, expect, it } from 'vitest';
import { defaultHandlers } from '@theater/handlers';
import { createEvent, decodeEventData, encodeEventData, verifyChain, type ChainEvent } from '@theater/event-chain';
import { createActorSystem } from '@theater/kernel';
import { manifestOf, tempDir, text } from './helpers.js';

async function* fromArray(events: readonly ChainEvent[]): AsyncGenerator<ChainEvent> {
  yield* events;
}

/**
 * The chain as a kernel writing format v1 would have recorded it: every event's data re-encoded as JSON and re-hashed,
 * up to (not including) `until`; the events from `until` on stay v2 (re-linked).
 */
function asV1(events: readonly ChainEvent[], until = events.length): ChainEvent[] {
  const out: ChainEvent[] = [];
  for (const event of events) {
    const v = event.seq < until ? 1 : 2;
    const data = v === 1 ? encodeEventData(decodeEventData(event.data, event.v), 1) : event.data;
    out.push(createEvent(out.at(-1), { type: event.type, data, time: event.time, v }));
  }
  return out;
}

describe('event format versions', () => {
  it('replays a v1 chain and a v1 chain continued in v2, hash for hash', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('one'));
    await echo.request(text('stored'));
    await echo.request(text('echo me'));
    await echo.stop();
    const recorded = await echo.events();
    expect(new Set(recorded.map((event) => event.v))).toEqual(new Set([2]));

    const v1 = asV1(recorded);
    expect(new Set(v1.map((event) => event.v))).toEqual(new Set([1]));
    expect(await verifyChain(v1)).toEqual({ ok: true, events: recorded.length });
    expect(await system.replay(fromArray(v1))).toMatchObject({ ok: true, events: recorded.length, divergence: undefined });

    const mixed = asV1(recorded, 4);
    expect(await verifyChain(mixed)).toEqual({ ok: true, events: recorded.length });
    expect(await system.replay(fromArray(mixed))).toMatchObject({ ok: true, events: recorded.length, divergence: undefined });
  });

  it('resumes an actor whose chain was recorded in v1: its chain continues in v2 and verifies', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.request(text('echo me'));
    await echo.stop();
    const v1 = asV1(await echo.events());

    await using other = await tempDir();
    await using resumed = createActorSystem({ handlers: defaultHandlers(), home: other.path, poolSize: 1 });
    await (await resumed.chainStore()).appendEvents(echo.id, v1);
    const actor = await resumed.resume(echo.id);
    expect(new TextDecoder().decode(await actor.request(text('again')))).toBe('echo:again');
    await actor.stop();

    const events = await resumed.events(echo.id);
    expect(events.slice(0, v1.length)).toEqual(v1);
    expect(events.slice(v1.length).every((event) => event.v === 2)).toBe(true);
    expect(events.slice(v1.length).map((event) => event.type)).toContain('actor.restart');
    expect(await verifyChain(events)).toEqual({ ok: true, events: events.length });
    // Both lifetimes replay, each in the format it was recorded in.
    expect(await resumed.replay(echo.id)).toMatchObject({ ok: true, events: events.length, divergence: undefined });
  });
});
