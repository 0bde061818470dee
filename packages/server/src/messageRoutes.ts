/**
 * `/v1/actors/:id/messages` and `/v1/actors/:id/requests`: one-way messages and requests to a running actor. Each
 * call awaits only its own actor, so a slow actor holds up its own callers and no one else's.
 */
import type { FastifyInstance } from 'fastify';
import { payloadBodySchema, payloadBytes, toBase64, type PayloadBody } from './payloadBody.js';
import { errorResponses, idParams } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';

const sendSchema = {
  summary: "Send a one-way message to an actor's handle-send; answers once its result is committed",
  params: idParams,
  body: payloadBodySchema,
  response: {
    200: { type: 'object', required: ['delivered'], properties: { delivered: { type: 'boolean', const: true } } },
    ...errorResponses,
  },
} as const;

const requestSchema = {
  summary: "Send a request to an actor's handle-request and answer with its reply (base64)",
  params: idParams,
  body: payloadBodySchema,
  response: {
    200: { type: 'object', required: ['reply'], properties: { reply: { type: 'string', contentEncoding: 'base64' } } },
    ...errorResponses,
  },
} as const;

/** Registers the message and request routes. */
export function messageRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: { id: string }; Body: PayloadBody }>('/v1/actors/:id/messages', { schema: sendSchema }, async (request) => {
    const message = payloadBytes(request.body);
    const actor = await context.liveActor(request.params.id);
    await context.system.send(actor.id, message);
    return { delivered: true };
  });

  app.post<{ Params: { id: string }; Body: PayloadBody }>('/v1/actors/:id/requests', { schema: requestSchema }, async (request) => {
    const message = payloadBytes(request.body);
    const actor = await context.liveActor(request.params.id);
    return { reply: toBase64(await context.system.request(actor.id, message)) };
  });
}
