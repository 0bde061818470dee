/**
 * `GET /v1/session` (WebSocket): many sends and requests, to any actors, over one connection, answered as they
 * complete (not in order), each matched by the caller's `id`. For clients that send at a high rate: no HTTP request
 * per message.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { toApiFailure } from './apiError.js';
import { payloadBytes, toBase64 } from './payloadBody.js';
import { errorResponses } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';
import { ServerError } from './serverError.js';

/** Operations one session may have in flight; more are answered `too-many-in-flight` at once. */
const MAX_IN_FLIGHT = 1024;

interface SessionFrame {
  readonly id?: unknown;
  readonly op?: unknown;
  readonly actor?: unknown;
}

export function sessionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.route({
    method: 'GET',
    url: '/v1/session',
    schema: {
      summary:
        'Sends and requests to any actors over one WebSocket. Send {id, op: "send" | "request", actor, text | json | base64}; each is answered, as it completes, with {id, ok: true, reply?: base64} or {id, error: {code, message}}.',
      response: errorResponses,
    },
    // A plain GET (no Upgrade header) is told what this route is, as a structured error.
    async handler() {
      throw new ServerError('invalid-request', 'this route is a WebSocket: connect with Upgrade: websocket', 400);
    },
    wsHandler: (socket: WebSocket) => serveSession(socket, context),
  });
}

function serveSession(socket: WebSocket, context: ServerContext): void {
  let inFlight = 0;
  const answer = (frame: object): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  socket.on('message', (data, isBinary) => {
    let frame: SessionFrame;
    try {
      if (isBinary) throw new Error('binary frame');
      frame = JSON.parse(data.toString()) as SessionFrame;
      if (typeof frame !== 'object' || frame === null) throw new Error('not an object');
    } catch {
      answer({
        id: null,
        error: { code: 'invalid-request', message: 'expected a JSON text frame { id, op, actor, text | json | base64 }' },
      });
      return;
    }
    const id = typeof frame.id === 'string' || typeof frame.id === 'number' ? frame.id : null;
    if (id === null || (frame.op !== 'send' && frame.op !== 'request') || typeof frame.actor !== 'string') {
      answer({
        id,
        error: {
          code: 'invalid-request',
          message: 'expected { id: string | number, op: "send" | "request", actor: string, text | json | base64 }',
        },
      });
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      answer({ id, error: { code: 'too-many-in-flight', message: `a session may have at most ${MAX_IN_FLIGHT} operations in flight` } });
      return;
    }
    inFlight++;
    const { op, actor } = frame;
    void (async () => {
      try {
        const message = payloadBytes(frame);
        const actorId = await context.resolveId(actor);
        if (op === 'send') {
          await context.system.send(actorId, message);
          answer({ id, ok: true });
        } else {
          answer({ id, ok: true, reply: toBase64(await context.system.request(actorId, message)) });
        }
      } catch (error) {
        answer({ id, error: toApiFailure(error).error });
      } finally {
        inFlight--;
      }
    })();
  });
}
