/** @theater/server: Theater's operator API, an HTTP JSON and WebSocket API over one long-lived actor system. */
export { startTheaterServer, type TheaterServer, type TheaterServerOptions } from './theaterServer.js';
export type { InternalErrorListener } from './apiApp.js';
export { readServerInfo, serverToken, type ServerInfo } from './serverFiles.js';
export { ServerError, isServerError, type ServerErrorCode } from './serverError.js';
export { storedActorView, type ActorView } from './actorView.js';
