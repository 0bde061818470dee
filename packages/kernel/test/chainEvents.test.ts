/** The chain event vocabulary: each type's encoding, pinned byte for byte, and decoders that refuse other shapes. */
import { createEvent, decodeEventData, encodeEventData, type ChainEvent, type EventFormatVersion } from '@theater/event-chain';
import { testActorManifest } from '@theater/test-actors';
import { describe, expect, it } from 'vitest';
import {
  InvalidChainEventError,
  actorFailEvent,
  actorRestartEvent,
  actorSpawnEvent,
  actorStopEvent,
  hostCallEvent,
  wasmCallEvent,
  wasmErrorEvent,
  wasmResultEvent,
  type EncodedEvent,
} from '../src/chain/chainEvents.js';
import { isKernelError } from '../src/kernelError.js';
import { HandlerRegistry } from '../src/handlerRegistry.js';
import { loadManifest as loadWith, optionlessHandler } from '../src/manifest/index.js';

/** The echo actor's grants, defined here: the kernel knows no handler by name. */
const handlers = new HandlerRegistry(
  (['runtime', 'message-server'] as const).map((type) => ({
    type,
    description: type,
    config: optionlessHandler(type),
    provides: [],
    requiredExports: {},
    create: () => ({}),
  })),
);
const loadManifest = (path: string) => loadWith(path, { handlers });

const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const utf8Bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const recorded = (encoded: EncodedEvent, seq = 0): ChainEvent => {
  const event = createEvent(undefined, { ...encoded, time: 1_700_000_000_000 });
  return { ...event, seq };
};
/** An event of format `v` holding `json`'s value (as JSON text in v1, binary in v2), whatever its type records. */
const rawIn = (v: EventFormatVersion, type: string, json: string, seq = 3): ChainEvent => {
  const data = v === 1 ? new TextEncoder().encode(json) : encodeEventData(JSON.parse(json));
  return { ...createEvent(undefined, { type, data, time: 0, v }), seq };
};
/** The JSON (v1) form of what an encoder wrote: what a v1 chain holds for the same value. */
const asV1 = (encoded: EncodedEvent): string => utf8(encodeEventData(decodeEventData(encoded.data), 1));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The decoder's refusal of `event`, checked to name the event and `problem`. */
function refusal(decode: () => unknown, seq: number, type: string, problem: string): void {
  let thrown: unknown;
  try {
    decode();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidChainEventError);
  const error = thrown as InvalidChainEventError;
  expect(isKernelError(error, 'invalid-chain')).toBe(true);
  expect({ seq: error.seq, eventType: error.eventType, problem: error.problem }).toEqual({ seq, eventType: type, problem });
  expect(error.message).toBe(`event ${seq} (${type}) holds invalid data: ${problem}`);
}

describe('the encoders', () => {
  it('write event format v2: binary data, pinned byte for byte', () => {
    const call = wasmCallEvent.encode({ interface: 'i', function: 'f', params: [1n, new Uint8Array([1])] });
    expect(hex(call.data)).toBe('a369696e7465726661636561696866756e6374696f6e616666706172616d7382c241014101');
    const result = wasmResultEvent.encode({ interface: 'i', function: 'f', state: new Uint8Array([1, 2, 3, 4]), output: undefined });
    expect(hex(result.data)).toBe('a469696e7465726661636561696866756e6374696f6e61666573746174654401020304666f7574707574f6');
    const log = hostCallEvent.encode('theater:simple/runtime.log', { args: ['x'], result: null });
    expect(hex(log.data)).toBe('a2646172677381617866726573756c74f6');
  });

  it("write each type's fields in the order the chain format has them (shown in their v1 JSON form)", () => {
    const bytes = new Uint8Array([1]);
    const utf8 = (data: Uint8Array): string => asV1({ type: 't', data });
    expect(utf8(wasmCallEvent.encode({ interface: 'i', function: 'f', params: [1n, bytes] }).data)).toBe(
      '{"interface":"i","function":"f","params":[{"$bigint":"1"},{"$bytes":"AQ=="}]}',
    );
    expect(utf8(wasmResultEvent.encode({ interface: 'i', function: 'f', state: null, output: undefined }).data)).toBe(
      '{"interface":"i","function":"f","state":null,"output":null}',
    );
    expect(utf8(wasmErrorEvent.encode({ interface: 'i', function: 'f', reason: 'trap', message: 'm' }).data)).toBe(
      '{"interface":"i","function":"f","reason":"trap","message":"m"}',
    );
    expect(utf8(actorFailEvent.encode({ reason: 'trap', message: 'm', during: 'i#f' }).data)).toBe(
      '{"reason":"trap","message":"m","during":"i#f"}',
    );
    expect(utf8(actorFailEvent.encode({ reason: 'internal', message: 'm', during: undefined }).data)).toBe(
      '{"reason":"internal","message":"m"}',
    );
    expect(utf8(actorStopEvent.encode({ by: 'self', data: bytes }).data)).toBe('{"by":"self","data":{"$bytes":"AQ=="}}');
    expect(utf8(actorStopEvent.encode({ by: 'request', data: null }).data)).toBe('{"by":"request","data":null}');
    const type = hostCallEvent.typeOf('theater:simple/runtime', 'log');
    expect(type).toBe('theater:simple/runtime.log');
    expect(utf8(hostCallEvent.encode(type, { args: ['x'], result: null }).data)).toBe('{"args":["x"],"result":null}');
    expect(utf8(hostCallEvent.encode(type, { args: ['x'], error: 'e' }).data)).toBe('{"args":["x"],"error":"e"}');
    expect(utf8(hostCallEvent.encode(type, { error: 'e' }).data)).toBe('{"error":"e"}');
    expect(utf8(hostCallEvent.encode(type, { args: ['[redacted]'], result: null, redacted: ['/args/0'] }).data)).toBe(
      '{"args":["[redacted]"],"result":null,"redacted":["/args/0"]}',
    );
  });

  it('write a spawn and a restart with the same fields, name first and parent last', async () => {
    const manifest = await loadManifest(testActorManifest('echo'));
    const data = { name: 'echo', version: '0.1.0', component: 'ab'.repeat(32), manifest, state: null, parent: 'p' };
    for (const kind of [actorSpawnEvent, actorRestartEvent]) {
      const encoded = kind.encode(data);
      expect(encoded.type).toBe(kind.type);
      expect(Object.keys(decodeEventData(encoded.data) as object)).toEqual(['name', 'version', 'component', 'manifest', 'state', 'parent']);
      expect(kind.decode(recorded(encoded))).toEqual(JSON.parse(JSON.stringify(data)));
    }
  });
});

describe('the decoders', () => {
  it('read back what the encoders wrote', () => {
    const call = { interface: 'i', function: 'f', params: [1n, new Uint8Array([1, 2])] };
    expect(wasmCallEvent.decode(recorded(wasmCallEvent.encode(call)))).toEqual(call);
    const result = { interface: 'i', function: 'f', state: new Uint8Array([3]), output: [1n] };
    expect(wasmResultEvent.decode(recorded(wasmResultEvent.encode(result)))).toEqual(result);
    const error = { interface: 'i', function: 'f', reason: 'operation-timeout' as const, message: 'm' };
    expect(wasmErrorEvent.decode(recorded(wasmErrorEvent.encode(error)))).toEqual(error);
    expect(actorFailEvent.decode(recorded(actorFailEvent.encode({ reason: 'guest-error', message: 'm', during: undefined })))).toEqual({
      reason: 'guest-error',
      message: 'm',
      during: undefined,
    });
    expect(actorStopEvent.decode(recorded(actorStopEvent.encode({ by: 'request', data: null })))).toEqual({ by: 'request', data: null });
    const host = { args: ['k'], result: new Uint8Array([9]), redacted: ['/args/0'] };
    expect(hostCallEvent.decode(recorded(hostCallEvent.encode('theater:simple/store.get', host)))).toEqual(host);
    expect(hostCallEvent.decode(recorded(hostCallEvent.encode('theater:simple/store.get', { error: 'e' })))).toEqual({ error: 'e' });
  });
});

describe.each([1, 2] as const)('the decoders of format v%i', (v) => {
  const raw = (type: string, json: string, seq = 3): ChainEvent => rawIn(v, type, json, seq);

  it('refuse data that does not decode, is not an object, or is of another event type, naming the event', () => {
    const truncated = { ...raw('wasm.call', '{"interface":"i"}'), data: v === 1 ? utf8Bytes('{"interface":') : Uint8Array.of(0xa1, 0x61) };
    expect(() => wasmCallEvent.decode(truncated)).toThrow(/^event 3 \(wasm\.call\) holds invalid data: its data does not decode: /u);
    // The other version's encoding of a valid record does not decode either: data is read in its event's version.
    const other = { ...raw('wasm.call', '{}'), data: encodeEventData({ interface: 'i', function: 'f', params: [] }, v === 1 ? 2 : 1) };
    expect(() => wasmCallEvent.decode(other)).toThrow(/^event 3 \(wasm\.call\) holds invalid data: its data does not decode: /u);
    refusal(() => wasmCallEvent.decode(raw('wasm.call', '[1]')), 3, 'wasm.call', 'expected its data as an object');
    refusal(() => wasmCallEvent.decode(raw('wasm.result', '{}')), 3, 'wasm.result', 'expected an event of type wasm.call');
  });

  it('refuse a field of another shape, naming the field', () => {
    refusal(
      () => wasmCallEvent.decode(raw('wasm.call', '{"interface":"i","function":"f","params":{}}')),
      3,
      'wasm.call',
      'expected params as an array',
    );
    refusal(
      () => wasmCallEvent.decode(raw('wasm.call', '{"interface":1,"function":"f","params":[]}')),
      3,
      'wasm.call',
      'expected interface and function as strings',
    );
    refusal(
      () => wasmResultEvent.decode(raw('wasm.result', '{"interface":"i","function":"f","state":"s"}')),
      3,
      'wasm.result',
      'expected state as bytes or null',
    );
    refusal(
      () => wasmErrorEvent.decode(raw('wasm.error', '{"interface":"i","function":"f","reason":"gone","message":"m"}')),
      3,
      'wasm.error',
      'expected reason as one of init-failed, guest-error, trap, out-of-memory, operation-timeout, internal',
    );
    refusal(
      () => actorFailEvent.decode(raw('actor.fail', '{"reason":"trap","message":7}')),
      3,
      'actor.fail',
      'expected message as a string',
    );
    refusal(
      () => actorFailEvent.decode(raw('actor.fail', '{"reason":"trap","message":"m","during":[]}')),
      3,
      'actor.fail',
      'expected during as a string',
    );
    refusal(() => actorStopEvent.decode(raw('actor.stop', '{"by":"nobody"}')), 3, 'actor.stop', 'expected by as "request" or "self"');
    refusal(() => hostCallEvent.decode(raw('x.y', '{"args":"a"}')), 3, 'x.y', 'expected args as an array');
    refusal(() => hostCallEvent.decode(raw('x.y', '{"args":[],"error":1}')), 3, 'x.y', 'expected error as a string');
    refusal(() => hostCallEvent.decode(raw('x.y', '{"result":1}')), 3, 'x.y', 'expected args, or an error');
    refusal(
      () => hostCallEvent.decode(raw('x.y', '{"args":[],"result":1,"redacted":[1]}')),
      3,
      'x.y',
      'expected redacted as a list of strings',
    );
    refusal(() => hostCallEvent.decode(raw('x.y', '{"args":[]}'), 'x.z'), 3, 'x.y', 'expected an event of type x.z');
  });

  it('refuse a spawn whose manifest lacks what running it needs', async () => {
    const manifest = await loadManifest(testActorManifest('echo'));
    const spawn = (changes: Record<string, unknown>): ChainEvent =>
      raw(
        'actor.spawn',
        JSON.stringify({ name: 'echo', version: '0.1.0', component: 'ab', manifest, state: null, parent: null, ...changes }),
        0,
      );
    refusal(
      () => actorSpawnEvent.decode(spawn({ component: '' })),
      0,
      'actor.spawn',
      'expected component as a non-empty string (its hash)',
    );
    refusal(
      () => actorSpawnEvent.decode(spawn({ manifest: { ...manifest, limits: null } })),
      0,
      'actor.spawn',
      'expected manifest.limits as an object',
    );
    refusal(
      () => actorSpawnEvent.decode(spawn({ manifest: { ...manifest, handlers: {} } })),
      0,
      'actor.spawn',
      'expected manifest.handlers as an array of objects',
    );
    refusal(() => actorSpawnEvent.decode(spawn({ parent: 5 })), 0, 'actor.spawn', 'expected parent as a string or null');
    refusal(() => actorSpawnEvent.decode(spawn({ name: 5 })), 0, 'actor.spawn', 'expected name as a string');
    refusal(() => actorRestartEvent.decode(spawn({})), 0, 'actor.spawn', 'expected an event of type actor.restart');
  });
});
