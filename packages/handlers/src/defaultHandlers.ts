/** The handlers an actor system installs by default. */
import type { HandlerDefinition } from '@theater/kernel';
import { environmentHandler } from './environmentHandler.js';
import { filesystemHandler } from './filesystemHandler.js';
import { httpClientHandler } from './httpClientHandler.js';
import { httpFrameworkHandler } from './httpFrameworkHandler.js';
import { messageServerHandler } from './messageServerHandler.js';
import { processHandler } from './processHandler.js';
import { randomHandler } from './randomHandler.js';
import { runtimeHandler } from './runtimeHandler.js';
import { storeHandler } from './storeHandler.js';
import { supervisorHandler } from './supervisorHandler.js';
import { timingHandler } from './timingHandler.js';

/**
 * Every handler this package provides, for `createActorSystem({ handlers: defaultHandlers() })`, in the order the
 * manifest reference and JSON Schema list them.
 */
export function defaultHandlers(): readonly HandlerDefinition[] {
  return [
    runtimeHandler,
    messageServerHandler,
    supervisorHandler,
    storeHandler,
    filesystemHandler,
    httpClientHandler,
    httpFrameworkHandler,
    timingHandler,
    randomHandler,
    environmentHandler,
    processHandler,
  ] as readonly HandlerDefinition[];
}
