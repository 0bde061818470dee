/**
 * Events decoded from stored bytes carry those bytes, and verification hashes them instead of encoding the event
 * again. These tests hold that to what makes it sound: the object cannot say anything its bytes do not (it is frozen,
 * its byte fields are views of the stored bytes, and the carried bytes are exactly the canonical encoding of its
 * fields, whatever bytes were decoded), copies (spread, structured clone, JSON) are encoded again, and a stored event
 * changed in a real store or chain file fails verification.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { verifyChainFile } from '../src/chainFile.js';
import { openChainStore, type ChainStore } from '../src/chainStore.js';
import { DecodedEvent } from '../src/decodedEvent.js';
import { createEvent, decodeStoredEvent, encodeEventFields, encodeStoredEvent, type ChainEvent } from '../src/eventFormat.js';
import { verifyChain } from '../src/verifyChain.js';

const ACTOR = 'counter';
const EVENTS = 20;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

function buildChain(length: number): ChainEvent[] {
  const events: ChainEvent[] = [];
  for (let i = 0; i < length; i++) {
    events.push(
      createEvent(events.at(-1), {
        type: i % 2 === 0 ? 'wasm.call' : 'wasm.result',
        data: text(`{"step":${i}}`),
        time: 1_700_000_000_000 + i,
      }),
    );
  }
  return events;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Where `needle` first occurs in `haystack` at or after `from`; -1 when it does not. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('events decoded from stored bytes', () => {
  let home: string;
  let store: ChainStore;
  let stored: ChainEvent[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'theater-decoded-'));
    store = await openChainStore(join(home, 'store'));
    await store.appendEvents(ACTOR, buildChain(EVENTS));
    stored = await store.read(ACTOR);
  });

  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('carry the canonical encoding of their fields and verify by it', async () => {
    for (const event of stored) {
      expect(event).toBeInstanceOf(DecodedEvent);
      expect(DecodedEvent.fieldsOf(event)).toEqual(encodeEventFields(event));
    }
    expect(await verifyChain(stored)).toEqual({ ok: true, events: EVENTS });
    expect(await verifyChain(store.stream(ACTOR))).toEqual({ ok: true, events: EVENTS });
  });

  it('are frozen: no field can be replaced or added', () => {
    const event = stored[5]! as { -readonly [K in keyof ChainEvent]: ChainEvent[K] };
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      event.type = 'wasm.forged';
    }).toThrow(TypeError);
    expect(() => {
      event.data = text('{"step":"forged"}');
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(event, 'time', { value: 0 })).toThrow(TypeError);
    expect(event.type).toBe('wasm.result');
  });

  it('share their byte fields with the carried bytes: a change to their contents fails verification', async () => {
    const events = await store.read(ACTOR);
    const data = events[7]!.data;
    data[2] = data[2]! ^ 1;
    expect(await verifyChain(events)).toMatchObject({
      ok: false,
      index: 7,
      reason: expect.stringMatching(/^event 7 does not match its hash/),
    });
  });

  it('are encoded again when copied: a copy with a changed field fails, an unchanged copy verifies', async () => {
    const spread = stored.map((event) => ({ ...event }));
    expect(DecodedEvent.fieldsOf(spread[0]!)).toBeUndefined();
    expect(await verifyChain(spread)).toEqual({ ok: true, events: EVENTS });
    expect(await verifyChain(structuredClone(stored))).toEqual({ ok: true, events: EVENTS });
    // As from JSON: the byte fields as arrays of numbers, turned back into Uint8Arrays by the reader.
    const revived = stored.map((event) => {
      const json = JSON.parse(
        JSON.stringify(event, (_key, value: unknown) => (value instanceof Uint8Array ? [...value] : value)),
      ) as Record<string, unknown>;
      for (const key of ['data', 'hash', 'parent'] as const)
        if (Array.isArray(json[key])) json[key] = Uint8Array.from(json[key] as number[]);
      return json as unknown as ChainEvent;
    });
    expect(await verifyChain(revived)).toEqual({ ok: true, events: EVENTS });
    for (const change of [{ type: 'wasm.forged' }, { time: 1 }, { data: text('{"step":"forged"}') }]) {
      const tampered = stored.map((event, i) => (i === 9 ? { ...event, ...change } : event));
      expect(await verifyChain(tampered)).toMatchObject({
        ok: false,
        index: 9,
        reason: expect.stringMatching(/^event 9 does not match its hash/),
      });
    }
  });

  it('fail verification when a stored event was changed in the store', async () => {
    // A chain file with event 11's data changed, imported as it is (hashes are verify's job) into a real store.
    const file = concat(await collect(store.exportChain(ACTOR)));
    const original = encodeStoredEvent(stored[11]!);
    const at = indexOf(file, original);
    expect(at).toBeGreaterThan(0);
    const changed = file.slice();
    changed[at + indexOf(original, text('{"step":11}')) + 9] = '2'.charCodeAt(0);
    const verdict = await verifyChainFile(changed);
    expect(verdict.result).toMatchObject({ ok: false, index: 11, reason: expect.stringMatching(/^event 11 does not match its hash/) });
    await store.importChain(changed, { actorId: 'tampered' });
    const read = await store.read('tampered');
    expect(new TextDecoder().decode(read[11]!.data)).toBe('{"step":12}');
    expect(await verifyChain(read)).toMatchObject({ ok: false, index: 11 });
    expect(await verifyChain(store.stream('tampered'))).toMatchObject({ ok: false, index: 11 });
  });

  it('decode a type that starts with a byte order mark as it is, so it encodes back to its stored bytes', async () => {
    const [first] = buildChain(1);
    const event = createEvent(undefined, { type: '\uFEFFwasm.call', data: first!.data, time: first!.time });
    const decoded = decodeStoredEvent(encodeStoredEvent(event));
    expect(decoded.type).toBe('\uFEFFwasm.call');
    expect(DecodedEvent.fieldsOf(decoded)).toEqual(encodeEventFields(decoded));
    expect(await verifyChain([decoded])).toEqual({ ok: true, events: 1 });
  });

  it('carry exactly the canonical encoding of what they say, whatever bytes were decoded', () => {
    const bytes = encodeStoredEvent(stored[3]!);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const changed = bytes.slice();
          for (const [at, value] of edits) changed[at] = value;
          let decoded: ChainEvent;
          try {
            decoded = decodeStoredEvent(changed);
          } catch {
            return; // not an event at all: nothing to verify
          }
          const carried = DecodedEvent.fieldsOf(decoded);
          if (carried !== undefined) expect(carried).toEqual(encodeEventFields(decoded));
        },
      ),
      fuzzParameters('decoded event: carried bytes', { runs: 500 }),
    );
  });
});
