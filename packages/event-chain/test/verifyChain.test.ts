import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Checkpoint, createCheckpoint } from '../src/checkpoint.js';
import { createEvent, type EventFields, hashEventFields, type ChainEvent } from '../src/eventFormat.js';
import { type NodeKey, loadOrCreateNodeKey } from '../src/nodeKey.js';
import { verifyChain, type VerifyOptions } from '../src/verifyChain.js';

const ACTOR = 'counter-1';
const TYPES = ['wasm.call', 'theater:simple/runtime.log', 'theater:simple/store.get', 'wasm.result'] as const;

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
/** The hex prefix that reasons show for a hash or key. */
const short = (bytes: Uint8Array): string => `${bytesToHex(bytes.subarray(0, 4))}…`;

function buildChain(length: number): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (let i = 0; i < length; i++) {
    const type = i === 0 ? 'actor.spawn' : TYPES[i % TYPES.length]!;
    events.push(
      createEvent(events.at(-1), { type, data: text(JSON.stringify({ step: i, state: { count: i } })), time: 1_700_000_000_000 + i * 3 }),
    );
  }
  return events;
}

/** A copy of `events` with event `index` replaced by `change(event)`, keeping its recorded hash. */
function tampered(events: readonly ChainEvent[], index: number, change: (event: ChainEvent) => ChainEvent): ChainEvent[] {
  return events.map((event, i) => (i === index ? change(event) : event));
}

/** Re-links and re-hashes every event from `from` on, as an attacker rewriting the tail would. */
function rehashedFrom(events: readonly ChainEvent[], from: number): ChainEvent[] {
  const result = events.slice(0, from);
  for (const event of events.slice(from)) result.push(createEvent(result.at(-1), event));
  return result;
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe('verifyChain', () => {
  let home: string;
  let nodeKey: NodeKey;
  let strangerKey: NodeKey;
  let events: ChainEvent[];
  let checkpoints: Checkpoint[];
  let options: VerifyOptions;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'theater-verify-'));
    nodeKey = await loadOrCreateNodeKey(join(home, 'keys'));
    strangerKey = await loadOrCreateNodeKey(join(home, 'stranger-keys'));
    events = buildChain(50);
    checkpoints = [
      createCheckpoint(ACTOR, events[24]!, nodeKey, 1_700_000_001_000),
      createCheckpoint(ACTOR, events[49]!, nodeKey, 1_700_000_002_000),
    ];
    options = { checkpoints, trustedKeys: [nodeKey.publicKey], actorId: ACTOR };
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('accepts an untouched chain with its checkpoints', async () => {
    expect(await verifyChain(events, options)).toEqual({ ok: true, events: 50 });
  });

  it('accepts an empty chain without checkpoints', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, events: 0 });
  });

  it('detects a flipped byte in an event’s data at that event', async () => {
    const chain = tampered(events, 10, (event) => {
      const data = Uint8Array.from(event.data);
      data[5] = data[5]! ^ 0x20;
      return { ...event, data };
    });

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 10,
      reason: `event 10 does not match its hash: recorded ${short(events[10]!.hash)}, computed ${short(hashEventFields(chain[10]!))} from its contents`,
    });
  });

  it('shows both hashes in full when a changed recorded hash keeps its first bytes, so they can be told apart', async () => {
    const chain = tampered(events, 4, (event) => {
      const hash = Uint8Array.from(event.hash);
      hash[31] = hash[31]! ^ 0x01;
      return { ...event, hash };
    });

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 4,
      reason: `event 4 does not match its hash: recorded ${bytesToHex(chain[4]!.hash)}, computed ${bytesToHex(events[4]!.hash)} from its contents`,
    });
  });

  it('detects a changed timestamp at that event', async () => {
    const chain = tampered(events, 7, (event) => ({ ...event, time: event.time + 1 }));

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 7,
      reason: `event 7 does not match its hash: recorded ${short(events[7]!.hash)}, computed ${short(hashEventFields(chain[7]!))} from its contents`,
    });
  });

  it('detects a changed type at that event', async () => {
    const chain = tampered(events, 3, (event) => ({ ...event, type: 'wasm.error' }));

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 3,
      reason: `event 3 does not match its hash: recorded ${short(events[3]!.hash)}, computed ${short(hashEventFields(chain[3]!))} from its contents`,
    });
  });

  it('detects a dropped event where it is missing', async () => {
    const chain = events.filter((_, i) => i !== 20);

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 20,
      reason: 'event at index 20 has seq 21, expected 20: an event was inserted, dropped or reordered',
    });
  });

  it('detects an inserted, correctly hashed event with a wrong seq where it was inserted', async () => {
    const forged = createEvent(events[9], { type: 'wasm.call', data: text('{"forged":true}'), time: 1_700_000_000_050 });
    const chain = [...events.slice(0, 15), forged, ...events.slice(15)];

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 15,
      reason: 'event at index 15 has seq 10, expected 15: an event was inserted, dropped or reordered',
    });
  });

  it('detects an inserted, correctly hashed event with the right seq but a wrong parent', async () => {
    const fields: EventFields = {
      v: 2,
      seq: 15,
      parent: events[13]!.hash,
      type: 'wasm.call',
      data: text('{"forged":true}'),
      time: 1_700_000_000_050,
    };
    const forged = { ...fields, hash: hashEventFields(fields) };
    const chain = [...events.slice(0, 15), forged, ...events.slice(15)];

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 15,
      reason: `event 15 has parent ${short(events[13]!.hash)}, expected the hash of event 14 (${short(events[14]!.hash)})`,
    });
  });

  it('detects two swapped events at the first of them', async () => {
    const chain = [...events];
    [chain[30], chain[31]] = [events[31]!, events[30]!];

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 30,
      reason: 'event at index 30 has seq 31, expected 30: an event was inserted, dropped or reordered',
    });
  });

  it('detects truncation after a checkpoint at the end of what is left', async () => {
    const chain = events.slice(0, 30);

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 30,
      reason: 'the chain is truncated: it ends after 30 events, but a checkpoint signs event 49',
    });
  });

  it('detects a forged checkpoint signature at the checkpoint’s seq', async () => {
    const signature = Uint8Array.from(checkpoints[0]!.signature);
    signature[7] = signature[7]! ^ 0x01;
    const forged = [{ ...checkpoints[0]!, signature }, checkpoints[1]!];

    expect(await verifyChain(events, { ...options, checkpoints: forged })).toEqual({
      ok: false,
      index: 24,
      reason: 'checkpoint at seq 24 has a bad signature',
    });
  });

  it('detects a checkpoint whose head was changed after signing as a bad signature', async () => {
    const forged = [checkpoints[0]!, { ...checkpoints[1]!, head: events[48]!.hash }];

    expect(await verifyChain(events, { ...options, checkpoints: forged })).toEqual({
      ok: false,
      index: 49,
      reason: 'checkpoint at seq 49 has a bad signature',
    });
  });

  it('detects a checkpoint signed by an untrusted key', async () => {
    const foreign = [checkpoints[0]!, createCheckpoint(ACTOR, events[49]!, strangerKey, 1_700_000_002_000)];

    expect(await verifyChain(events, { ...options, checkpoints: foreign })).toEqual({
      ok: false,
      index: 49,
      reason: `checkpoint at seq 49 is signed by an untrusted key ${short(strangerKey.publicKey)}`,
    });
    expect(await verifyChain(events, { checkpoints: foreign })).toEqual({ ok: true, events: 50 });
  });

  it('detects a checkpoint for another actor', async () => {
    const other = [createCheckpoint('counter-2', events[24]!, nodeKey, 1_700_000_001_000), checkpoints[1]!];

    expect(await verifyChain(events, { ...options, checkpoints: other })).toEqual({
      ok: false,
      index: 24,
      reason: 'checkpoint at seq 24 is for actor "counter-2", expected "counter-1"',
    });
  });

  it('detects a consistently re-hashed tail only at the checkpoint that signs the original head', async () => {
    const chain = rehashedFrom(
      tampered(events, 40, (event) => ({ ...event, data: text('{"step":40,"state":{"count":1000}}') })),
      40,
    );

    expect(await verifyChain(chain)).toEqual({ ok: true, events: 50 });
    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 49,
      reason: `checkpoint at seq 49 signs head ${short(events[49]!.hash)}, but event 49 has hash ${short(chain[49]!.hash)}`,
    });
  });

  it('detects an unknown format version', async () => {
    const chain = tampered(events, 2, (event) => ({ ...event, v: 3 as unknown as 2 }));

    expect(await verifyChain(chain, options)).toEqual({ ok: false, index: 2, reason: 'event 2 has format version 3, expected 1 or 2' });
  });

  it('verifies a v1 chain continued in v2, and detects a version going back', async () => {
    const v1 = Array.from({ length: 5 }, (_, i) => ({ type: 'wasm.call', data: text(`{"i":${i}}`), time: i, v: 1 as const }));
    const mixed: ChainEvent[] = [];
    for (const input of v1) mixed.push(createEvent(mixed.at(-1), input));
    for (let i = 5; i < 10; i++) mixed.push(createEvent(mixed.at(-1), { type: 'wasm.call', data: Uint8Array.of(0xa0), time: i }));
    expect(mixed.map((event) => event.v)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(await verifyChain(mixed)).toEqual({ ok: true, events: 10 });

    const back: EventFields = { ...mixed[9]!, seq: 10, parent: mixed[9]!.hash, v: 1 };
    const chain = [...mixed, { ...back, hash: hashEventFields(back) }];
    expect(await verifyChain(chain)).toEqual({
      ok: false,
      index: 10,
      reason: 'event 10 has format version 1 after a version 2 event: a chain never moves back',
    });
  });

  it('detects a first event with a parent and a later event without one', async () => {
    expect(
      await verifyChain(
        tampered(events, 0, (event) => ({ ...event, parent: events[1]!.hash })),
        options,
      ),
    ).toEqual({
      ok: false,
      index: 0,
      reason: `event 0 has parent ${short(events[1]!.hash)}, expected none`,
    });
    expect(
      await verifyChain(
        tampered(events, 5, (event) => ({ ...event, parent: null })),
        options,
      ),
    ).toEqual({
      ok: false,
      index: 5,
      reason: `event 5 has no parent, expected the hash of event 4 (${short(events[4]!.hash)})`,
    });
  });

  it('reports a malformed event instead of throwing', async () => {
    const chain = tampered(events, 4, (event) => ({ ...event, data: 'text' as unknown as Uint8Array }));

    expect(await verifyChain(chain, options)).toEqual({
      ok: false,
      index: 4,
      reason: 'event 4 is malformed: expected data as a Uint8Array',
    });
  });

  it('accepts an async iterable and stops reading at the first problem', async () => {
    expect(await verifyChain(asAsync(events), options)).toEqual({ ok: true, events: 50 });

    let read = 0;
    let closed = false;
    async function* counted(): AsyncGenerator<ChainEvent> {
      try {
        for (const event of events.filter((_, i) => i !== 20)) {
          read += 1;
          yield event;
        }
      } finally {
        closed = true;
      }
    }
    expect(await verifyChain(counted(), options)).toEqual({
      ok: false,
      index: 20,
      reason: 'event at index 20 has seq 21, expected 20: an event was inserted, dropped or reordered',
    });
    expect({ read, closed }).toEqual({ read: 21, closed: true });
  });

  it('hashes events exactly as encodeEventFields does across every integer and length width', async () => {
    const dataLengths = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000];
    const times = [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
    const types = [
      'a',
      'x'.repeat(23),
      'x'.repeat(24),
      'x'.repeat(255),
      'x'.repeat(256),
      'théâtre:simple/runtime.log',
      'emoji.🎭',
      'lone.\ud800',
    ];
    const chain: ChainEvent[] = [];
    const push = (type: string, data: Uint8Array, time: number): void => {
      chain.push(createEvent(chain.at(-1), { type, data, time }));
    };
    for (const length of dataLengths) push('wasm.call', new Uint8Array(length).fill(length & 0xff), 1);
    for (const time of times) push('wasm.call', text('t'), time);
    for (const type of types) push(type, text('t'), 1);
    // seq itself crosses the 1-, 2- and 3-byte widths (24, 256, 65,536).
    while (chain.length < 65_540) push('wasm.result', text(String(chain.length)), 1_700_000_000_000);

    expect(await verifyChain(chain)).toEqual({ ok: true, events: 65_540 });
  });

  it('refuses checkpoints whose seq is not a non-negative integer with TypeError', async () => {
    await expect(verifyChain(events, { checkpoints: [{ ...checkpoints[0]!, seq: -1 }] })).rejects.toThrow(
      new TypeError('expected checkpoints[0].seq as a non-negative integer, got -1'),
    );
  });
});
