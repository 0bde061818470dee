/**
 * `GET /v1/actors/:id/channel`: a channel to an actor over a WebSocket (frames: `ChannelClientFrame` and
 * `ChannelServerFrame` in @theater/client). The actor is looked up before the upgrade, so an unknown one is a 404
 * and no socket; authentication and the origin check run before that, like on every route.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serveChannel } from './channelSession.js';
import { errorResponses, idParams } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';
import { ServerError } from './serverError.js';

const channelSchema = {
  summary:
    'Open a channel to an actor (WebSocket). Send {type:"open",base64} first; the server answers {type:"opened",channelId,welcome} or {type:"error",error} and closes. Then {type:"message",base64} both ways; {type:"close"} or closing the socket closes the channel; the actor closing or ending sends {type:"closed"} and closes the socket.',
  params: idParams,
  response: errorResponses,
} as const;

/** Registers the channel route. */
export function channelRoutes(app: FastifyInstance, context: ServerContext): void {
  // The actor each upgrade was resolved to (by the preValidation hook, before the socket exists).
  const actors = new WeakMap<FastifyRequest, string>();

  app.route<{ Params: { id: string } }>({
    method: 'GET',
    url: '/v1/actors/:id/channel',
    schema: channelSchema,
    async preValidation(request) {
      actors.set(request, (await context.liveActor(request.params.id)).id);
    },
    // A plain GET (no Upgrade header) is told what this route is, as a structured error.
    async handler() {
      throw new ServerError('invalid-request', 'this route is a WebSocket: connect with Upgrade: websocket', 400);
    },
    wsHandler(socket, request) {
      serveChannel(socket, context.system, actors.get(request)!);
    },
  });
}
