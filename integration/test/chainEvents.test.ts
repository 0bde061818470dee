/**
 * The chain event vocabulary against real chains: every event the kernel records decodes with its type's decoder
 * and encodes back to the very bytes recorded, so the vocabulary is the chain format and not a reading of it.
 */
import { bytesEqual, type ChainEvent } from '@theater/event-chain';
import {
  actorFailEvent,
  actorRestartEvent,
  actorSpawnEvent,
  actorStopEvent,
  hostCallEvent,
  wasmCallEvent,
  wasmErrorEvent,
  wasmResultEvent,
  type Actor,
  type ChainEventType,
  type EncodedEvent,
} from '@theater/kernel';
import { describe, expect, it } from 'vitest';
import { decode, manifestOf, overseerManifest, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

const roundTrip = <T>(kind: ChainEventType<T>) => ({
  type: kind.type,
  again: (event: ChainEvent): EncodedEvent => kind.encode(kind.decode(event)),
});
const KERNEL_TYPES = new Map(
  [
    roundTrip(actorSpawnEvent),
    roundTrip(actorRestartEvent),
    roundTrip(wasmCallEvent),
    roundTrip(wasmResultEvent),
    roundTrip(wasmErrorEvent),
    roundTrip(actorFailEvent),
    roundTrip(actorStopEvent),
  ].map((entry) => [entry.type, entry.again]),
);

/** The event decoded with its type's decoder and encoded again. */
function reencoded(event: ChainEvent): EncodedEvent {
  const kernelType = KERNEL_TYPES.get(event.type);
  if (kernelType !== undefined) return kernelType(event);
  return hostCallEvent.encode(event.type, hostCallEvent.decode(event, event.type));
}

describe('the chain event vocabulary', () => {
  it('decodes every event of recorded chains and encodes each back to the bytes recorded', async () => {
    await using system = await testSystem();
    const parent = await system.spawn({
      ...(await overseerManifest()),
      supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 60_000 },
    });
    const child = await ask(parent, 'spawn manifests/trapper.toml');
    await system.send(child, text('one'));
    expect(await ask(parent, `restart ${child}`)).toBe('ok');
    await system.send(child, text('fail')).catch(() => {});
    const probe = await system.spawn(await manifestOf('probe'));
    expect(await ask(probe, 'sleep 1')).toBe('slept');
    expect(await ask(probe, 'sleep 5000')).toMatch(/^error:permission-denied/u);
    await probe.stop();
    await system.stop(parent.id);

    const events = [...(await system.events(child)), ...(await system.events(probe.id)), ...(await system.events(parent.id))];
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'actor.spawn',
      'actor.restart',
      'wasm.call',
      'wasm.result',
      'wasm.error',
      'actor.fail',
      'actor.stop',
      'theater:simple/timing.sleep',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const event of events) {
      const again = reencoded(event);
      expect(again.type).toBe(event.type);
      expect(bytesEqual(again.data, event.data), `event ${event.seq} (${event.type})`).toBe(true);
    }
    // The restart names the parent, as the spawn does.
    const restart = (await system.events(child)).find((event) => event.type === 'actor.restart')!;
    expect(actorRestartEvent.decode(restart).parent).toBe(parent.id);
  });
});
