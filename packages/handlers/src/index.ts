/** @theater/handlers: host capabilities for actors, one module per theater:simple interface. */
export { defaultHandlers } from './defaultHandlers.js';
export { runtimeHandler, type RuntimeHandlerConfig } from './runtimeHandler.js';
export { messageServerHandler, type MessageServerHandlerConfig } from './messageServerHandler.js';
export { supervisorHandler, type SupervisorHandlerConfig } from './supervisorHandler.js';
export { timingHandler, type TimingHandlerConfig } from './timingHandler.js';
export { randomHandler, type RandomHandlerConfig } from './randomHandler.js';
export { environmentHandler, type EnvironmentHandlerConfig } from './environmentHandler.js';
export { filesystemHandler, type FilesystemHandlerConfig } from './filesystemHandler.js';
export { httpClientHandler, HTTP_METHODS, type HttpClientHandlerConfig, type HttpMethod } from './httpClientHandler.js';
export { httpFrameworkHandler, type HttpFrameworkHandlerConfig } from './httpFrameworkHandler.js';
export { storeHandler, MAX_LABEL_LENGTH, type StoreHandlerConfig } from './storeHandler.js';
export { processHandler, type ProcessHandlerConfig } from './processHandler.js';
