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
        getChain: () => context.events().map(toWitChainEvent),
        shutdown(data) {
          context.shutdown(data);
        },
      },
    };
  },
};

/** Converts a recorded event to the WIT `chain-event` record. */
function toWitChainEvent(event: ChainEvent) {
  return {
    hash: event.hash,
    ...(event.parent === null ? {} : { parentHash: event.parent }),
    eventType: event.type,
    data: event.data,
    timestamp: BigInt(event.time),
  };
}
