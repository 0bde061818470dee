/** The handlers an actor system installs by default. */
import type { HandlerDefinition } from '@theater/kernel';
import { environmentHandler } from './environmentHandler.js';
import { messageServerHandler } from './messageServerHandler.js';
import { randomHandler } from './randomHandler.js';
import { runtimeHandler } from './runtimeHandler.js';
import { supervisorHandler } from './supervisorHandler.js';
import { timingHandler } from './timingHandler.js';

/** Every handler this package provides, for `createActorSystem({ handlers: defaultHandlers() })`. */
export function defaultHandlers(): readonly HandlerDefinition[] {
  return [runtimeHandler, messageServerHandler, supervisorHandler, timingHandler, randomHandler, environmentHandler] as readonly HandlerDefinition[];
}
