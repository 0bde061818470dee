/** @theater/handlers: host capabilities for actors, one module per theater:simple interface. */
export { defaultHandlers } from './defaultHandlers.js';
export { runtimeHandler } from './runtimeHandler.js';
export { messageServerHandler } from './messageServerHandler.js';
export { supervisorHandler } from './supervisorHandler.js';
export { timingHandler } from './timingHandler.js';
export { randomHandler } from './randomHandler.js';
export { environmentHandler } from './environmentHandler.js';
export { filesystemHandler } from './filesystemHandler.js';
export { httpClientHandler } from './httpClientHandler.js';
export { httpFrameworkHandler } from './httpFrameworkHandler.js';
export { storeHandler, MAX_LABEL_LENGTH } from './storeHandler.js';
export { processHandler } from './processHandler.js';
