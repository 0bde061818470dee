/**
 * A long-lived actor system behind an HTTP JSON API (fastify 5: measured ~5x hono's throughput on Node 20). Binds
 * 127.0.0.1 by default; every request needs the home's bearer token; failures are structured errors.
 */
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, resolveTheaterHome, type ActorSystem, type HandlerDefinition } from '@theater/kernel';
import { actorRoutes } from './actorRoutes.js';
import { createApp, ownOrigins, type InternalErrorListener } from './apiApp.js';
import { chainRoutes } from './chainRoutes.js';
import { channelRoutes } from './channelRoutes.js';
import { eventRoutes } from './eventRoutes.js';
import { addSharedSchemas } from './routeSchemas.js';
import { messageRoutes } from './messageRoutes.js';
import { createServerContext } from './serverContext.js';
import { ResumableActors } from './resumableActors.js';
import { resumeActors, type ResumeOutcome } from './resumeActors.js';
import { resumeRoutes } from './resumeRoutes.js';
import { sessionRoutes } from './sessionRoutes.js';
import { claimServerInfo, lockHome, releaseServerInfo, serverToken } from './serverFiles.js';

/** How to start a server. */
export interface TheaterServerOptions {
  /** Theater home; default `$THEATER_HOME`, else `~/.theater`. */
  readonly home?: string;
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Port; default 0 (any free port). */
  readonly port?: number;
  /** The largest request body, in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Told of every unexpected error answered 500 (the answer carries no details); e.g. to log it. */
  readonly onInternalError?: InternalErrorListener;
  /** The handlers actors may be granted; default `defaultHandlers()`. */
  readonly handlers?: readonly HandlerDefinition[];
  /**
   * Bring back, before accepting requests, every actor that was running when the home's last server stopped or was
   * killed (see `POST /v1/resume`). Default false: they wait for a resume.
   */
  readonly resume?: boolean;
}

/** A running server. */
export interface TheaterServer {
  readonly url: string;
  readonly home: string;
  /** The bearer token clients must send (also in `<home>/server.token`). */
  readonly token: string;
  readonly system: ActorSystem;
  /** What `resume` brought back at start (empty without it). */
  readonly resumed: ResumeOutcome;
  /** Actors interrupted by the last server's stop or crash that did not come back at start (see `POST /v1/resume`). */
  readonly waiting: number;
  /** Stops accepting requests, stops the actors, closes the store, removes `server.json`. */
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const healthSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    version: { type: 'string' },
    uptimeMs: { type: 'number' },
    actors: { type: 'integer', description: 'Actors running' },
    resumable: { type: 'integer', description: 'Actors interrupted by the last stop or crash, waiting for POST /v1/resume' },
    pid: { type: 'integer' },
    home: { type: 'string' },
  },
} as const;

/** Starts a server; refuses with `server-running` when another live server holds the home. */
export async function startTheaterServer(options: TheaterServerOptions = {}): Promise<TheaterServer> {
  const home = resolveTheaterHome(options.home).root;
  const system = createActorSystem({ handlers: options.handlers ?? defaultHandlers(), home });
  let resumable: ResumableActors;
  try {
    // The chain store's lock is the home's lock: while this server holds it, no other server (nor `theater run`) can
    // use the home, so the token and the journal below are this server's alone.
    await lockHome(system, home);
    resumable = new ResumableActors(home);
  } catch (error) {
    await system.close();
    throw error;
  }
  const token = await serverToken(home);
  let stopping = false;
  // Every actor with a saved chain joins the resumable set as it spawns (before its init runs) and leaves it when it
  // stops or fails, unless the server itself is stopping it. A journal write that fails is kept: the route that
  // started the actor refuses to acknowledge it (see ServerContext.confirmResumable).
  system.inspect((event) => {
    if (stopping) return;
    try {
      if (event.type === 'actor.spawned' && system.get(event.actorId)?.manifest.saveChain === true) resumable.add(event.actorId);
      else if (event.type === 'actor.stopped' || event.type === 'actor.failed') resumable.ended(event.actorId);
    } catch (error) {
      context.journalFailure = error;
    }
  });
  const context = createServerContext(system, home, resumable);
  const app = createApp(token, options.bodyLimit ?? 2 ** 20, () => ownOrigins(app), options.onInternalError);
  const started = Date.now();
  const shutdown = async (): Promise<void> => {
    // Requests in flight finish first, and what they start or stop is journaled; only then do the actors stop.
    await app.close();
    stopping = true;
    await system.close();
    resumable.close();
  };

  let url: string;
  let resumed: ResumeOutcome = { resumed: [], failed: [] };
  try {
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'Theater operator API',
          version: VERSION,
          description:
            'The operator API of a Theater server. Every route needs Authorization: Bearer <token>. /v1/session, /v1/actors/{id}/channel and /v1/actors/{id}/events/stream are WebSocket upgrades (GET); their frames are in each summary and in the @theater/server README.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    addSharedSchemas(app);
    await app.register(fastifyWebsocket, { options: { maxPayload: options.bodyLimit ?? 2 ** 20 } });
    app.get(
      '/v1/health',
      { schema: { summary: 'The server: version, uptime, actors running and waiting to be resumed', response: { 200: healthSchema } } },
      async () => ({
        ok: true,
        version: VERSION,
        uptimeMs: Date.now() - started,
        actors: system.list().length,
        resumable: resumable.ids().filter((id) => system.get(id) === undefined).length,
        pid: process.pid,
        home,
      }),
    );
    app.get('/v1/openapi.json', { schema: { summary: 'This description (OpenAPI 3)' } }, async () => app.swagger());
    actorRoutes(app, context);
    sessionRoutes(app, context);
    messageRoutes(app, context);
    channelRoutes(app, context);
    eventRoutes(app, context);
    chainRoutes(app, context);
    resumeRoutes(app, context, () => resumeActors(system, resumable));
    if (options.resume === true) resumed = await resumeActors(system, resumable);
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    await claimServerInfo(home, { url, pid: process.pid, version: VERSION });
  } catch (error) {
    await shutdown();
    throw error;
  }
  return {
    url,
    home,
    token,
    system,
    resumed,
    waiting: resumable.ids().filter((id) => system.get(id) === undefined).length,
    async close() {
      await shutdown();
      await releaseServerInfo(home, process.pid);
    },
  };
}
