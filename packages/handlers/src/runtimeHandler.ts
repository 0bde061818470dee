/** The `runtime` handler: an actor's log, its own state and chain, and self-shutdown. */
import { optionlessHandler, type HandlerDefinition, type HostInterfaces } from '@theater/kernel';
import { toWitChainEvent } from './witChainEvent.js';

type RuntimeHost = Pick<HostInterfaces, 'theater:simple/runtime'>;

/** `type = "runtime"`: logging, chain access, shutdown. */
export interface RuntimeHandlerConfig {
  readonly type: 'runtime';
}

const configSchema = optionlessHandler('runtime');

/** Provides `theater:simple/runtime` to actors granted `[[handler]] type = "runtime"`. */
export const runtimeHandler: HandlerDefinition<RuntimeHandlerConfig> = {
  type: 'runtime',
  description: 'Logging, reading its own state and chain, and stopping itself (theater:simple/runtime).',
  config: configSchema,
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
