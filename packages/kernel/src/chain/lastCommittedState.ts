/** The state a stored actor's chain last committed: where a resumed actor starts from. */
import type { ChainStore } from '@theater/event-chain';
import { actorRestartEvent, actorSpawnEvent, wasmResultEvent } from './chainEvents.js';
import type { ActorState } from '../handler.js';

/** How many events are read at a time, walking back from the head. */
const STATE_SCAN = 256;

/** The state an actor's chain last committed: its last result's, else its spawn's. */
export async function lastCommittedState(store: ChainStore, actorId: string): Promise<ActorState> {
  const head = await store.head(actorId);
  for (let end = (head?.seq ?? -1) + 1; end > 0; end -= STATE_SCAN) {
    const events = await store.read(actorId, { from: Math.max(0, end - STATE_SCAN), to: end });
    for (const event of events.reverse()) {
      if (event.type === 'wasm.result' || event.type === 'actor.spawn' || event.type === 'actor.restart') {
        const { state } = (
          event.type === 'wasm.result' ? wasmResultEvent : event.type === 'actor.spawn' ? actorSpawnEvent : actorRestartEvent
        ).decode(event);
        return state ?? undefined;
      }
    }
  }
  return undefined;
}
