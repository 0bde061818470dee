import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createMemoryChain, decodeEventData, encodeEventData, hashEvent } from '../src/index.js';

describe('in-memory chain', () => {
  it('links each event to its predecessor by hash and numbers them from 0', () => {
    const chain = createMemoryChain();
    const first = chain.append({ type: 'actor.spawn', data: encodeEventData({ name: 'counter' }), time: 1000 });
    const second = chain.append({ type: 'wasm.call', data: encodeEventData({ fn: 'init' }), time: 1001 });
    expect(first.seq).toBe(0);
    expect(first.parent).toBeNull();
    expect(second.seq).toBe(1);
    expect(second.parent).toEqual(first.hash);
    expect(chain.head).toBe(second);
    expect(chain.length).toBe(2);
    expect(chain.events()).toEqual([first, second]);
  });

  it('hashes the provisional format to known values', () => {
    const data = new TextEncoder().encode('{}');
    const first = hashEvent(null, 0, 'actor.spawn', data, 0);
    expect(bytesToHex(first)).toBe(bytesToHex(hashEvent(null, 0, 'actor.spawn', data, 0)));
    expect(first).toHaveLength(32);
    // Any change to a field changes the hash.
    for (const other of [
      hashEvent(first, 0, 'actor.spawn', data, 0),
      hashEvent(null, 1, 'actor.spawn', data, 0),
      hashEvent(null, 0, 'actor.stop', data, 0),
      hashEvent(null, 0, 'actor.spawn', new TextEncoder().encode('{ }'), 0),
      hashEvent(null, 0, 'actor.spawn', data, 1),
    ]) {
      expect(bytesToHex(other)).not.toBe(bytesToHex(first));
    }
  });

  it('refuses events without a type or with non-byte data', () => {
    const chain = createMemoryChain();
    expect(() => chain.append({ type: '', data: new Uint8Array(), time: 0 })).toThrow(TypeError);
    expect(() => chain.append({ type: 'x', data: 'text' as unknown as Uint8Array, time: 0 })).toThrow(
      'expected event data as a Uint8Array',
    );
    expect(chain.length).toBe(0);
  });
});

describe('event data encoding', () => {
  it('round-trips byte arrays, bigints and nested values', () => {
    const value = { args: [new Uint8Array([0, 1, 255])], time: 12345678901234567890n, nested: { ok: true, list: [1, 'a', null] } };
    expect(decodeEventData(encodeEventData(value))).toEqual(value);
  });

  it('encodes byte arrays as base64 JSON', () => {
    expect(new TextDecoder().decode(encodeEventData({ b: new Uint8Array([104, 105]) }))).toBe('{"b":{"$bytes":"aGk="}}');
  });
});

describe('lazy hashing', () => {
  it('gives the same hashes whichever event is read first', () => {
    const build = () => {
      const chain = createMemoryChain();
      for (let i = 0; i < 5; i++) chain.append({ type: `t${i}`, data: encodeEventData({ i }), time: 1000 + i });
      return chain;
    };
    const headFirst = build();
    const tailHash = bytesToHex(headFirst.head!.hash);
    const inOrder = build();
    const hashes = inOrder.events().map((e) => bytesToHex(e.hash));
    expect(hashes.at(-1)).toBe(tailHash);
    expect(headFirst.events().map((e) => bytesToHex(e.hash))).toEqual(hashes);
    expect(bytesToHex(hashEvent(inOrder.events()[3]!.hash, 4, 't4', encodeEventData({ i: 4 }), 1004))).toBe(tailHash);
  });

  it('hashes a long unread chain without deep recursion', () => {
    const chain = createMemoryChain();
    for (let i = 0; i < 50_000; i++) chain.append({ type: 'x', data: new Uint8Array(0), time: i });
    expect(chain.head!.hash).toHaveLength(32);
  });
});
