/**
 * The fastify app every route is registered on: bearer-token and origin checks before anything else, request ids,
 * strict request validation, and every failure answered as `{ error: { code, message }, requestId }`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { toApiFailure } from './apiError.js';
import { authorize } from './authorize.js';

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/u;
/** How long a refused upgrade's socket may take to flush the answer before it is destroyed. */
const UPGRADE_LINGER_MS = 1000;

/** Called with an unexpected error (answered 500 `internal-error`, without details) and its request id. */
export type InternalErrorListener = (error: unknown, requestId: string) => void;

export function createApp(
  token: string,
  bodyLimit: number,
  origins: () => readonly string[],
  onInternalError?: InternalErrorListener,
): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit,
    // A key the schema does not name is refused (fastify's default strips it silently: a typo would be ignored).
    ajv: { customOptions: { removeAdditional: false } },
    // The router's own refusals (a malformed URL, a path parameter too long) in the API's shape too.
    // No hook runs for these, so a refused upgrade's socket is closed here.
    frameworkErrors: (error, request, reply) => {
      const body = { error: { code: 'invalid-request', message: error.message }, requestId: request.id };
      reply.raw.once('finish', () => closeRefusedUpgrade(request.raw));
      void (reply as FastifyReply)
        .code(error.statusCode ?? 400)
        .header('x-request-id', request.id)
        .send(body);
    },
    // A caller's x-request-id is echoed (when it is a sane token); otherwise one is made.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.addHook('onRequest', async (request) => authorize(request, token, origins));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request) => closeRefusedUpgrade(request.raw));
  app.setErrorHandler(async (error, request, reply) => {
    const { statusCode, error: body } = toApiFailure(error);
    // The answer says nothing of it; the operator's log does.
    if (statusCode === 500) onInternalError?.(error, request.id);
    return reply.code(statusCode).send({ error: body, requestId: request.id });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: { code: 'not-found', message: `no route ${request.method} ${request.url}` }, requestId: request.id }),
  );
  return app;
}

/**
 * @fastify/websocket routes an upgrade request through fastify on the raw socket, outside the HTTP server's
 * connection bookkeeping: an upgrade refused with an HTTP answer (401, 403, 404, or the router's 400/414) must close
 * that socket itself, or it stays open (a way to pin sockets without a token, and the server's close would wait for
 * it). An upgrade a WebSocket route took over never gets here.
 */
function closeRefusedUpgrade(request: IncomingMessage): void {
  if (request.headers.upgrade === undefined) return;
  const socket = request.socket;
  socket.end();
  setTimeout(() => socket.destroy(), UPGRADE_LINGER_MS).unref();
}

/** The origins a browser would send for pages this server itself serves (none yet, but the same host is fine). */
export function ownOrigins(app: FastifyInstance): readonly string[] {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return [];
  return [`http://127.0.0.1:${address.port}`, `http://localhost:${address.port}`, `http://[::1]:${address.port}`];
}
