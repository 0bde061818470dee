/** The handlers an actor system installs by default. */
import type { HandlerDefinition } from '@theater/kernel';
import { messageServerHandler } from './messageServerHandler.js';
import { runtimeHandler } from './runtimeHandler.js';
import { supervisorHandler } from './supervisorHandler.js';

/** Every handler this package provides, for `createActorSystem({ handlers: defaultHandlers() })`. */
export function defaultHandlers(): readonly HandlerDefinition[] {
  return [runtimeHandler, messageServerHandler, supervisorHandler] as readonly HandlerDefinition[];
}
