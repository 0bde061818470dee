/**
 * The replay recorder: each event a replay records is compared with the recorded one at the same seq, and recorded
 * events are verified as they are handed in, so a replayed event taken as the recorded one carries a checked hash.
 */
import { createEvent, hashEventFields, openMemoryChainStore, type ChainEvent, type EventInput } from '@theater/event-chain';
import { describe, expect, it } from 'vitest';
import { hostCallEvent, wasmCallEvent, wasmResultEvent } from '../src/chain/chainEvents.js';
import { isKernelError } from '../src/kernelError.js';
import { ReplayRecorder } from '../src/replay/replayRecorder.js';
import type { ReplayDivergence } from '../src/replay/replayResult.js';

const TIME = 1_700_000_000_000;

/** A recorded run: three calls, each a wasm.call, a host call and a wasm.result, at increasing times. */
function inputs(): EventInput[] {
  const out: EventInput[] = [];
  for (let i = 0; i < 3; i++) {
    const message = new TextEncoder().encode(`message ${i}`);
    const steps = [
      wasmCallEvent.encode({ interface: 'theater:simple/message-server-client', function: 'handle-send', params: [null, [message]] }),
      hostCallEvent.encode(hostCallEvent.typeOf('theater:simple/runtime', 'log'), { args: [`message ${i}`], result: null }),
      wasmResultEvent.encode({
        interface: 'theater:simple/message-server-client',
        function: 'handle-send',
        state: new Uint8Array([i]),
        output: null,
      }),
    ];
    for (const step of steps) out.push({ ...step, time: TIME + out.length });
  }
  return out;
}

function chainOf(events: readonly EventInput[]): ChainEvent[] {
  const chain: ChainEvent[] = [];
  for (const input of events) chain.push(createEvent(chain.at(-1), input));
  return chain;
}

async function recorderFor(recorded: readonly ChainEvent[]) {
  const store = await openMemoryChainStore();
  const divergences: ReplayDivergence[] = [];
  const recorder = new ReplayRecorder(store, (divergence) => divergences.push(divergence));
  for (const event of recorded) recorder.expect(event);
  recorder.end(recorded.length - 1);
  return { recorder, divergences, store };
}

describe('ReplayRecorder', () => {
  it('records a matching replay hash for hash, each event hashing to the hash it carries', async () => {
    const recorded = chainOf(inputs());
    const { recorder, divergences, store } = await recorderFor(recorded);
    // The replay stamps its own time: the recorder takes the recorded one.
    const replayed = inputs().map((input) => recorder.record({ ...input, time: 0 }));
    recorder.ended();
    expect(divergences).toEqual([]);
    expect(recorder.divergence).toBeUndefined();
    expect(replayed.map((event) => Buffer.from(event.hash).toString('hex'))).toEqual(
      recorded.map((event) => Buffer.from(event.hash).toString('hex')),
    );
    for (const event of replayed) expect(hashEventFields(event)).toEqual(event.hash);
    await store.close();
  });

  it('reports the first event whose data differs, and compares nothing after it', async () => {
    const recorded = chainOf(inputs());
    const { recorder, divergences, store } = await recorderFor(recorded);
    const replay = inputs();
    replay[4] = {
      ...hostCallEvent.encode(hostCallEvent.typeOf('theater:simple/runtime', 'log'), { args: ['something else'], result: null }),
      time: 0,
    };
    replay[7] = { ...replay[7]!, type: 'wasm.error' };
    for (const input of replay) recorder.record({ ...input, time: 0 });
    expect(divergences).toHaveLength(1);
    expect(divergences[0]).toMatchObject({
      index: 4,
      reason: "the theater:simple/runtime.log event's data differs",
      expected: { data: { args: ['message 1'], result: null } },
      actual: { data: { args: ['something else'], result: null } },
    });
    await store.close();
  });

  it('reports a replayed event of another type at its seq', async () => {
    const { recorder, divergences, store } = await recorderFor(chainOf(inputs()));
    const replay = inputs();
    for (const input of replay.slice(0, 2)) recorder.record(input);
    recorder.record({ ...replay[2]!, type: 'wasm.error' });
    expect(divergences.map((divergence) => [divergence.index, divergence.reason])).toEqual([
      [2, 'expected a wasm.result event, the replay recorded wasm.error'],
    ]);
    await store.close();
  });

  it('refuses a recorded event whose hash does not verify, before the replay can take it', async () => {
    const recorded = chainOf(inputs());
    const store = await openMemoryChainStore();
    const recorder = new ReplayRecorder(store, () => {});
    recorder.expect(recorded[0]!);
    // Same hash and link, other data: the hash no longer matches the event's contents.
    const tampered: ChainEvent = { ...recorded[1]!, data: new TextEncoder().encode('{"args":["forged"],"result":null}') };
    let refused: unknown;
    try {
      recorder.expect(tampered);
    } catch (error) {
      refused = error;
    }
    expect(isKernelError(refused, 'invalid-chain')).toBe(true);
    expect((refused as Error).message).toMatch(/^the chain does not verify at event 1: /);
    expect(recorder.waiting).toBe(1);
    await store.close();
  });

  it('refuses a recorded event that does not link to the one before it', async () => {
    const recorded = chainOf(inputs());
    const other = chainOf(inputs().map((input) => ({ ...input, time: input.time + 1 })));
    const store = await openMemoryChainStore();
    const recorder = new ReplayRecorder(store, () => {});
    recorder.expect(recorded[0]!);
    expect(() => recorder.expect(other[1]!)).toThrow(/the chain does not verify at event 1: event 1 has parent/);
    await store.close();
  });

  it('reports a replay that records more events than the chain has', async () => {
    const recorded = chainOf(inputs()).slice(0, 3);
    const { recorder, divergences, store } = await recorderFor(recorded);
    for (const input of inputs().slice(0, 4)) recorder.record(input);
    expect(divergences.map((divergence) => [divergence.index, divergence.reason])).toEqual([
      [3, "the replay recorded more events than the chain's 3"],
    ]);
    await store.close();
  });
});
