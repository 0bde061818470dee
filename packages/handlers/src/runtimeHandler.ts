/** The `runtime` handler: an actor's log, its own state and chain, and self-shutdown. */
import type { HandlerDefinition, HostInterfaces, RuntimeHandlerConfig } from '@theater/kernel';
import { toWitChainEvent } from './witChainEvent.js';

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
