/** @theater/server: an HTTP JSON API over one long-lived actor system (issue 12, in progress). */
export { startTheaterServer, type TheaterServer, type TheaterServerOptions } from './theaterServer.js';
export { readServerInfo, serverToken, type ServerInfo } from './serverFiles.js';
export { ServerError, isServerError, type ServerErrorCode } from './serverError.js';
export { storedActorView, type ActorView } from './actorView.js';
