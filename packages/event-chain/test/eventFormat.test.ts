import { describe, expect, it } from 'vitest';
import * as dagCbor from '@ipld/dag-cbor';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeEventData } from '../src/eventData.js';
import { createEvent, decodeStoredEvent, encodeEventFields, encodeStoredEvent, type ChainEvent } from '../src/eventFormat.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** A fixed sequence of v1 events: changing the format changes these hashes, which is a breaking change. */
function vectorChain(): ChainEvent[] {
  const inputs = [
    { type: 'actor.spawn', data: text('{"name":"counter"}'), time: 1_700_000_000_000, v: 1 as const },
    { type: 'wasm.call', data: text('{"function":"init"}'), time: 1_700_000_000_001, v: 1 as const },
    { type: 'theater:simple/runtime.log', data: text('{"args":["hello"]}'), time: 1_700_000_000_002, v: 1 as const },
    { type: 'wasm.result', data: new Uint8Array(0), time: 1_700_000_000_002, v: 1 as const },
  ];
  const events: ChainEvent[] = [];
  for (const input of inputs) events.push(createEvent(events.at(-1), input));
  return events;
}

describe('event format v1', () => {
  it('encodes the hashed fields as canonical DAG-CBOR', () => {
    const [first] = vectorChain();
    expect(bytesToHex(encodeEventFields(first!))).toBe(
      'a661760163736571006464617461527b226e616d65223a22636f756e746572227d6474696d651b0000018bcfe568006474797065\
6b6163746f722e737061776e66706172656e74f6',
    );
  });

  it('hashes a fixed sequence to known values', () => {
    expect(vectorChain().map((e) => bytesToHex(e.hash))).toMatchInlineSnapshot(`
      [
        "5cbc65f0f84735b66734a2c5827f46e8bf22149e1a46c7de0886cf00caf89d7a",
        "f568bebdcc654252224ffcce7ddc85b562cc8d8dffe6b54c79b93ea8dbd93c0e",
        "4b0535dc7060eb088146e39bc48f69e5bfaeddeb7858c7dee21bfa8eda6a838b",
        "fc4f8564201a0dfc236a8b94c3d5c9c61c76c2f202f6673491293e3bd9be9dc9",
      ]
    `);
  });

  it('links each event to its predecessor and numbers them from 0', () => {
    const events = vectorChain();
    events.forEach((event, i) => {
      expect(event.seq).toBe(i);
      expect(event.parent).toEqual(i === 0 ? null : events[i - 1]!.hash);
    });
  });

  it('round-trips an event through its stored encoding', () => {
    for (const event of vectorChain()) expect(decodeStoredEvent(encodeStoredEvent(event))).toEqual(event);
  });

  it('refuses malformed events with TypeError naming the field', () => {
    const [first] = vectorChain();
    expect(() => encodeEventFields({ ...first!, time: 1.5 })).toThrow('expected time as a non-negative integer (ms), got 1.5');
    expect(() => encodeEventFields({ ...first!, seq: 1 })).toThrow('expected parent null exactly for seq 0');
    expect(() => encodeEventFields({ ...first!, type: '' })).toThrow('expected type as a non-empty string');
    expect(() => decodeStoredEvent(text('not cbor'))).toThrow();
  });

  it('encodes exactly as @ipld/dag-cbor does, at every integer and length boundary', () => {
    const boundaries = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
    const parent = new Uint8Array(32).fill(7);
    const types = ['a', 'x'.repeat(23), 'y'.repeat(24), 'theater:simple/message-server-host.request', 'héllo ✓ 🎭'];
    const lengths = [0, 1, 23, 24, 255, 256, 70_000];
    for (const seq of boundaries) {
      for (const time of [0, 23, 1_700_000_000_000, Number.MAX_SAFE_INTEGER]) {
        const fields = {
          v: 1 as const,
          seq,
          parent: seq === 0 ? null : parent,
          type: types[seq % types.length]!,
          data: new Uint8Array(lengths[seq % lengths.length]!).fill(9),
          time,
        };
        expect(bytesToHex(encodeEventFields(fields))).toBe(bytesToHex(dagCbor.encode(fields)));
      }
    }
    for (const type of types) {
      for (const length of lengths) {
        const fields = { v: 1 as const, seq: 5, parent, type, data: new Uint8Array(length).fill(3), time: 42 };
        expect(bytesToHex(encodeEventFields(fields))).toBe(bytesToHex(dagCbor.encode(fields)));
        const event = createEvent(undefined, { type, data: fields.data, time: 42, v: 1 });
        const stored = dagCbor.encode({
          event: dagCbor.encode({ v: 1, seq: 0, parent: null, type, data: fields.data, time: 42 }),
          hash: event.hash,
        });
        expect(bytesToHex(encodeStoredEvent(event))).toBe(bytesToHex(stored));
      }
    }
  });

  it('decodes stored events through its fast path exactly as the general decoder does, and refuses what is no event', () => {
    for (const event of vectorChain()) {
      const stored = encodeStoredEvent(event);
      const general = dagCbor.decode(stored) as { event: Uint8Array; hash: Uint8Array };
      expect(decodeStoredEvent(stored)).toEqual({ ...(dagCbor.decode(general.event) as object), hash: general.hash });
    }
    const truncated = encodeStoredEvent(vectorChain()[1]!).subarray(0, 60);
    expect(() => decodeStoredEvent(truncated)).toThrow();
    expect(() => decodeStoredEvent(dagCbor.encode({ event: 1, hash: 2 }))).toThrow(TypeError);
  });
});

/** The v1 vector chain continued by v2 events, whose data is binary: pinned like the v1 vectors. */
function mixedVectorChain(): ChainEvent[] {
  const events = vectorChain();
  const inputs = [
    { type: 'actor.restart', data: encodeEventData({ name: 'counter', state: null }), time: 1_700_000_000_010 },
    {
      type: 'wasm.call',
      data: encodeEventData({
        interface: 'theater:simple/message-server-client',
        function: 'handle-send',
        params: [Uint8Array.of(1, 2, 3, 4), [text('hi')]],
      }),
      time: 1_700_000_000_011,
    },
    { type: 'theater:simple/timing.sleep', data: encodeEventData({ args: [5000n], result: null }), time: 1_700_000_000_012 },
  ];
  for (const input of inputs) events.push(createEvent(events.at(-1), input));
  return events;
}

describe('event format v2', () => {
  it('is written by default, with the same envelope as v1', () => {
    const event = createEvent(undefined, { type: 'actor.spawn', data: encodeEventData({ name: 'counter' }), time: 1_700_000_000_000 });
    expect(event.v).toBe(2);
    expect(bytesToHex(encodeEventFields(event))).toBe(
      'a6617602637365710064646174614ea1646e616d6567636f756e7465726474696d651b0000018bcfe5680064747970656b6163746f722e737061776e66706172656e74f6',
    );
    expect(bytesToHex(event.hash)).toBe('2a0a8a2a4c07b56e2c6f5472ad8f6414ebad822733af4d3a37e94bbf079f634a');
  });

  it('continues a v1 chain, hashing the v2 events to known values', () => {
    const events = mixedVectorChain();
    expect(events.map((e) => e.v)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(events.slice(4).map((e) => bytesToHex(e.hash))).toMatchInlineSnapshot(`
      [
        "7429d9bf7410491b3b38f83a90058b2f42a2aed5eb11626540b9914ee22c3c32",
        "fdc407d49706e804efc84d5786760fe55b7cffcd5135d4b18bbe7b45fdd46a37",
        "6a003daab0a61704c08da18843cf947e827cab8cc253918d9336e672b11cbe18",
      ]
    `);
    for (const event of events) expect(decodeStoredEvent(encodeStoredEvent(event))).toEqual(event);
  });

  it('refuses a v1 event after a v2 event, and unknown versions', () => {
    const [first] = mixedVectorChain().slice(-1);
    expect(() => createEvent(first, { type: 'wasm.call', data: text('{}'), time: 1, v: 1 })).toThrow(
      'expected event format version 2 or later after a version 2 event, got 1',
    );
    expect(() => createEvent(undefined, { type: 'wasm.call', data: text('{}'), time: 1, v: 3 as 2 })).toThrow(
      'expected event format version 1 or 2, got 3',
    );
    expect(() =>
      decodeStoredEvent(
        dagCbor.encode({
          event: dagCbor.encode({ v: 3, seq: 0, parent: null, type: 't', data: new Uint8Array(0), time: 0 }),
          hash: new Uint8Array(32),
        }),
      ),
    ).toThrow('expected event format version 1 or 2, got 3');
  });
});
