/** The `runtime` handler: an actor's log, its own state and chain, and self-shutdown. */
import type { ChainEvent } from '@theater/event-chain';
import type { HandlerDefinition, HostInterfaces, RuntimeHandlerConfig } from '@theater/kernel';

type RuntimeHost = Pick<HostInterfaces, 'theater:simple/runtime'>;

/** Provides `theater:simple/runtime` to actors granted `[[handler]] type = "runtime"`. */
export const runtimeHandler: HandlerDefinition<RuntimeHandlerConfig> = {
  type: 'runtime',
  provides: ['theater:simple/runtime'],
  requiredExports: {},
  create(context): RuntimeHost {
    return {
      'theater:simple/runtime': {
        log(msg) {
          context.log(msg);
        },
        getState: () => context.state(),
        getChain: async () => (await context.events()).map(toWitChainEvent),
        shutdown(data) {
          context.shutdown(data);
        },
      },
    };
  },
};

/**
 * Converts a recorded event to the WIT `chain-event` record. The bytes are copied: recorded events may be views of
 * a shared pool, which the trip to the actor's worker would otherwise clone whole.
 */
function toWitChainEvent(event: ChainEvent) {
  return {
    hash: event.hash.slice(),
    ...(event.parent === null ? {} : { parentHash: event.parent.slice() }),
    eventType: event.type,
    data: event.data.slice(),
    timestamp: BigInt(event.time),
  };
}
