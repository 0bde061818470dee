/**
 * The `supervisor` handler: `theater:simple/supervisor`, an actor's control over its own children (spawn, resume,
 * list, stop, restart, state, events), carried out by the kernel's supervision tree. A parent that also exports
 * `supervisor-handlers` is told of each child's failure and exit. Refusals come back as `err(<code>: <message>)`.
 */
import type { ChainEvent } from '@theater/event-chain';
import {
  HostCallError,
  isKernelError,
  isManifestError,
  optionlessHandler,
  type HandlerDefinition,
  type HostInterfaces,
} from '@theater/kernel';
import { toWitChainEvent } from './witChainEvent.js';

type SupervisorHost = Pick<HostInterfaces, 'theater:simple/supervisor'>;

/** `type = "supervisor"`: spawn and manage children. */
export interface SupervisorHandlerConfig {
  readonly type: 'supervisor';
}

const configSchema = optionlessHandler('supervisor');

/** Grants `theater:simple/supervisor`. */
export const supervisorHandler: HandlerDefinition<SupervisorHandlerConfig> = {
  type: 'supervisor',
  description: "Spawning and managing child actors, from files inside this manifest's directory (theater:simple/supervisor).",
  config: configSchema,
  provides: ['theater:simple/supervisor'],
  requiredExports: {},
  optionalExports: ['theater:simple/supervisor-handlers'],
  create({ supervision }): SupervisorHost {
    return {
      'theater:simple/supervisor': {
        spawn: (manifest, initBytes) => guard(() => supervision.spawn(manifest, initBytes?.slice())),
        resume: (childId, initState) => guard(() => supervision.resume(childId, initState?.slice())),
        listChildren: () => supervision.listChildren(),
        stopChild: (childId) => guard(() => supervision.stopChild(childId)),
        restartChild: (childId) => guard(() => supervision.restartChild(childId)),
        getChildState: (childId) => guard(async () => supervision.childState(childId)?.slice()),
        getChildEvents: (childId) =>
          guard(async () => (await supervision.childEvents(childId)).map((event: ChainEvent) => toWitChainEvent(event))),
      },
    };
  },
};

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A child's manifest that is missing or invalid is the parent's mistake to hear about, like a kernel refusal.
    throw isKernelError(error) || isManifestError(error) ? new HostCallError(`${error.code}: ${error.message}`) : error;
  }
}
