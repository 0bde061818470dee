import { createEvent, encodeEventData } from '@theater/event-chain';
import { describe, expect, it } from 'vitest';
import { summarizeEvent, toEventJson, truncate } from '../src/lib/chainEventView.js';

const event = (type: string, data: Uint8Array) => createEvent(undefined, { type, data, time: 1_700_000_000_000 });
const json = (type: string, value: unknown) => event(type, encodeEventData(value));

describe('summarizeEvent', () => {
  it('reads host calls, failures and unknown types from their decoded data', () => {
    expect(summarizeEvent(json('theater:simple/store.get', { args: ['k'], result: new Uint8Array([1, 0, 0, 0]) }), 80)).toBe(
      'get("k") → 0x01000000',
    );
    expect(summarizeEvent(json('theater:simple/store.get', { args: ['k'], error: 'missing' }), 80)).toBe('get("k") ✗ "missing"');
    expect(summarizeEvent(json('actor.fail', { reason: 'trap', message: 'unreachable', during: 'actor#init' }), 80)).toBe(
      'trap in actor#init: unreachable',
    );
    expect(summarizeEvent(json('custom.thing', { n: 12n, 'odd key': [true, null], text: 'a\nb' }), 80)).toBe(
      '{n: 12n, "odd key": [true, null], text: "a\\nb"}',
    );
  });

  it('shows long binary compactly, data that is not JSON as bytes, and cuts to the width', () => {
    expect(summarizeEvent(json('custom', { blob: new Uint8Array(100).fill(0xff) }), 80)).toBe('{blob: 0xffffffffffffffff… (100 bytes)}');
    expect(summarizeEvent(event('raw', new Uint8Array([0, 1, 2])), 80)).toBe('0x000102');
    expect(summarizeEvent(event('raw', new TextEncoder().encode("it's not json")), 80)).toBe("b'it\\'s not json'");
    expect(summarizeEvent(event('raw', new TextEncoder().encode('ansi\u001b[31m')), 80)).toBe('0x616e73691b5b3331… (9 bytes)');
    expect(summarizeEvent(json('actor.fail', { reason: 'guest-error', message: 'red\u001b[31m\nnext' }), 80)).toBe(
      'guest-error: red [31m next',
    );
    const long = summarizeEvent(json('theater:simple/runtime.log', { args: ['x'.repeat(500)], result: null }), 30);
    expect(long).toBe(truncate(`log("${'x'.repeat(100)}`, 30));
    expect(Array.from(long)).toHaveLength(30);
  });
});

describe('toEventJson', () => {
  it('gives hashes in hex and JSON data decoded, other data in base64', () => {
    const first = json('actor.spawn', { name: 'x', state: new Uint8Array([1, 2]) });
    expect(toEventJson(first)).toEqual({
      seq: 0,
      time: '2023-11-14T22:13:20.000Z',
      type: 'actor.spawn',
      hash: Buffer.from(first.hash).toString('hex'),
      parent: null,
      encoding: 'json',
      data: { name: 'x', state: { $bytes: 'AQI=' } },
    });
    expect(toEventJson(event('raw', new Uint8Array([0xff, 0]))).data).toBe('/wA=');
    expect(toEventJson(event('raw', new Uint8Array([0xff, 0]))).encoding).toBe('base64');
  });
});
