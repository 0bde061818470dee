import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { TheaterClient, type ChainEvent } from '../src/index.js';

let home: string;
let server: TheaterServer;
let client: TheaterClient;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-client-events-'));
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Every event once, seqs 0..n-1 in order, each one's parent the hash of the one before. */
function expectWholeChain(events: readonly ChainEvent[], length: number): void {
  expect(events).toHaveLength(length);
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.seq !== i) expect.fail(`event ${i} has seq ${events[i]!.seq}`);
    if (i > 0 && Buffer.compare(events[i]!.parent!, events[i - 1]!.hash) !== 0) expect.fail(`event ${i} does not link to event ${i - 1}`);
  }
  expect(events[0]!.parent).toBeNull();
}

/** Follows until `done()` says so; aborts then and returns what came. */
async function collect(
  id: string,
  done: (events: ChainEvent[]) => boolean,
  options: { from?: number; types?: string[]; stall?: Promise<unknown>; onLive?: () => void } = {},
): Promise<ChainEvent[]> {
  const controller = new AbortController();
  const events: ChainEvent[] = [];
  for await (const event of client.events.follow(id, { ...options, signal: controller.signal })) {
    events.push(event);
    // A reader that stops reading: the server must pause its stream rather than buffer the whole chain for it.
    if (options.stall !== undefined && events.length === 100) await options.stall;
    if (done(events)) controller.abort();
  }
  return events;
}

describe('client.events.read', () => {
  it('reads pages with a cursor and type filters, by id prefix', async () => {
    const actor = await client.actors.start({ path: testActorManifest('echo') });
    for (const message of ['one', 'two', 'three']) await server.system.send(actor.id, text(message));
    const all = await client.events.read(actor.id);
    expect(all.next).toBeNull();
    expect(all.total).toBe(all.events.length);
    expectWholeChain(all.events, all.total);
    expect(all.events[0]!.type).toBe('actor.spawn');
    expect(all.events[0]!.data).toBeInstanceOf(Uint8Array);

    const first = await client.events.read(actor.id.slice(0, 8), { limit: 2 });
    expect(first.events.map((event) => event.seq)).toEqual([0, 1]);
    expect(first.next).toBe(2);
    const logs = await client.events.read(actor.id, { types: ['theater:simple/runtime'] });
    expect(logs.events.length).toBeGreaterThanOrEqual(3);
    expect(logs.events.every((event) => event.type.startsWith('theater:simple/runtime.'))).toBe(true);
    expect((await client.events.read(actor.id, { from: 2, to: 4 })).events.map((event) => event.seq)).toEqual([2, 3]);
  });

  it("throws the server's error for an unknown actor", async () => {
    await expect(client.events.read('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      name: 'TheaterApiError',
      code: 'actor-not-found',
      status: 404,
    });
  });
});

describe('client.events.follow', () => {
  it('delivers every event exactly once, in order and linked, to a fast subscriber and one that stops reading, from seq 0, while 10k messages are sent', {
    timeout: 300_000,
  }, async () => {
    const actor = await server.system.spawn(testActorManifest('echo'));
    const sent = 10_000;
    let head = -1;
    const finished = (events: ChainEvent[]): boolean => head >= 0 && events.length > 0 && events.at(-1)!.seq >= head;
    let lived = 0;
    const fast = collect(actor.id, finished, { onLive: () => (lived += 1) });
    let sendsDone!: () => void;
    const stall = new Promise<void>((resolve) => (sendsDone = resolve));
    const slow = collect(actor.id, finished, { stall });
    for (let i = 0; i < sent; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => actor.send(text(`m${i + j}`))));
    }
    sendsDone();
    const chain = await server.system.events(actor.id);
    head = chain.at(-1)!.seq;
    // Any event after the head was read will do as a wake-up for readers that already have everything.
    await actor.send(text('last'));
    const length = head + 1;
    const [fastEvents, slowEvents] = await Promise.all([fast, slow]);
    expectWholeChain(fastEvents.slice(0, length), length);
    expectWholeChain(slowEvents.slice(0, length), length);
    expect(fastEvents.slice(0, length).map((event) => Buffer.from(event.hash).toString('hex'))).toEqual(
      chain.map((event) => Buffer.from(event.hash).toString('hex')),
    );
    expect(chain.filter((event) => event.type === 'wasm.call').length).toBeGreaterThanOrEqual(sent);
    expect(lived).toBe(1);
  });

  it('sends the history, then live events, and ends cleanly when the loop breaks', async () => {
    const actor = await server.system.spawn(testActorManifest('echo'));
    await actor.send(text('before'));
    const recorded = await server.system.events(actor.id);
    const history = recorded.length;
    const calls = recorded.filter((event) => event.type === 'wasm.call').length;
    let live = false;
    const seen: ChainEvent[] = [];
    const iterator = client.events.follow(actor.id, { onLive: () => (live = true), types: ['wasm.call'] });
    for await (const event of iterator) {
      seen.push(event);
      if (seen.length < calls) continue;
      if (seen.length === calls) {
        expect(event.seq).toBeLessThan(history);
        await sleep(50);
        expect(live).toBe(true);
        await actor.send(text('after'));
      } else {
        expect(event.seq).toBeGreaterThanOrEqual(history);
        break;
      }
    }
    expect(seen.map((event) => event.type)).toEqual(Array(calls + 1).fill('wasm.call'));
  });

  it('starts from a seq, and ends without error on abort', async () => {
    const actor = await server.system.spawn(testActorManifest('echo'));
    await actor.send(text('x'));
    const last = (await server.system.events(actor.id)).length - 1;
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const event of client.events.follow(actor.id, { from: 2, signal: controller.signal })) {
      seen.push(event.seq);
      if (event.seq === last) controller.abort();
    }
    expect(seen).toEqual([...Array(last - 1).keys()].map((i) => i + 2));
  });

  it('ends with the error frame when an actor whose chain is kept in memory only stops', async () => {
    const toml = `name = "fleeting"\nversion = "0.1.0"\nsave_chain = false\ncomponent = ${JSON.stringify(testActorComponent('echo'))}\n\n[[handler]]\ntype = "runtime"\n\n[[handler]]\ntype = "message-server"\n`;
    const fleeting = await client.actors.start({ toml });
    const seen: ChainEvent[] = [];
    let failure: unknown;
    try {
      for await (const event of client.events.follow(fleeting.id, { onLive: () => void server.system.stop(fleeting.id) })) seen.push(event);
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({
      name: 'TheaterApiError',
      code: 'actor-not-found',
      message: expect.stringMatching(/its chain was not saved/u) as unknown,
    });
    expect(seen.at(-1)?.type).toBe('actor.stop');
  });

  it('throws a TheaterApiError for an unknown actor, and when the server goes away mid-stream', async () => {
    const unknown = client.events.follow('00000000-0000-4000-8000-000000000000');
    await expect(unknown.next()).rejects.toMatchObject({ code: 'actor-not-found', status: 404 });

    const otherHome = await mkdtemp(join(tmpdir(), 'theater-client-events-gone-'));
    const other = await startTheaterServer({ home: otherHome });
    try {
      const otherClient = new TheaterClient({ url: other.url, token: other.token });
      const actor = await other.system.spawn(testActorManifest('echo'));
      let closing: Promise<void> | undefined;
      const stream = otherClient.events.follow(actor.id, { onLive: () => (closing = other.close()) });
      let failure: unknown;
      try {
        for await (const _event of stream) {
          // Drained until the server ends the stream.
        }
      } catch (error) {
        failure = error;
      }
      expect(failure).toMatchObject({ name: 'TheaterApiError', code: 'network-error' });
      await closing;
    } finally {
      await other.close();
      await rm(otherHome, { recursive: true, force: true });
    }
  });
});
