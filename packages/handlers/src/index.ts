/** @theater/handlers: host capabilities for actors, one module per theater:simple interface. */
export { defaultHandlers } from './defaultHandlers.js';
export { runtimeHandler } from './runtimeHandler.js';
export { messageServerHandler } from './messageServerHandler.js';
export { supervisorHandler } from './supervisorHandler.js';
