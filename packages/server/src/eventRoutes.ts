/**
 * `/v1/actors/:id/events`: pages of an actor's chain events (range, type filters, a cursor), and their live stream
 * over a WebSocket (history from a seq, then each new durable event: no gap, no duplicate). Live and stored actors.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, chainLength, readEventPage } from './eventPage.js';
import { streamEvents } from './eventStream.js';
import { errorResponses, idParams } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';
import { ServerError } from './serverError.js';
import { toWireEvent, wireEventSchema } from './wireEvent.js';

interface PageQuery {
  readonly from: number;
  readonly to?: number;
  readonly limit: number;
  readonly type?: string[];
}

interface StreamQuery {
  readonly from: number;
  readonly type?: string[];
}

const typeFilter = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 256 },
  maxItems: 64,
  description:
    'Keep events of these types (repeatable): an exact type, a prefix ending at ".", "/", ":", "@" or "#" (wasm selects wasm.call), or any prefix ending with "*"',
} as const;

const pageSchema = {
  summary: "A page of an actor's chain events, oldest first, and the cursor of the next page",
  params: idParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'integer', minimum: 0, default: 0, description: 'The first seq (inclusive)' },
      to: { type: 'integer', minimum: 0, description: 'The seq to stop before (exclusive); default: the head' },
      limit: {
        type: 'integer',
        minimum: 1,
        default: DEFAULT_PAGE_LIMIT,
        description: `At most this many events (more than ${MAX_PAGE_LIMIT} is cut to ${MAX_PAGE_LIMIT})`,
      },
      type: typeFilter,
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['events', 'next', 'total'],
      properties: {
        events: { type: 'array', items: wireEventSchema },
        next: {
          type: ['integer', 'null'],
          description: 'The seq to pass as from for the next page; null when this page reached the head (or to)',
        },
        total: { type: 'integer', description: 'Events in the chain (its head seq + 1)' },
      },
    },
    ...errorResponses,
  },
} as const;

const streamSchema = {
  summary: "WebSocket: an actor's chain events from a seq, then live (frames: event, live, error)",
  description:
    'Upgrade to a WebSocket. Frames are JSON: {type:"event", event} for each event in chain order, {type:"live"} once the history is sent, {type:"error", error:{code,message}} before the server closes the stream. An unknown actor or a bad query refuses the upgrade with the usual error answer (404/400). A slow reader is paused (the server stops reading ahead), never dropped.',
  params: idParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { from: { type: 'integer', minimum: 0, default: 0, description: 'The first seq to send' }, type: typeFilter },
  },
} as const;

/** Registers the event routes. */
export function eventRoutes(app: FastifyInstance, context: ServerContext): void {
  const { system } = context;
  const resolved = new WeakMap<FastifyRequest, string>();

  app.get<{ Params: { id: string }; Querystring: PageQuery }>('/v1/actors/:id/events', { schema: pageSchema }, async (request) => {
    const actorId = await context.resolveId(request.params.id);
    const { from, to, limit, type } = request.query;
    const page = await readEventPage(system, actorId, { from, to, limit, types: type ?? [] });
    return { events: page.events.map(toWireEvent), next: page.next ?? null, total: await chainLength(system, actorId) };
  });

  app.route<{ Params: { id: string }; Querystring: StreamQuery }>({
    method: 'GET',
    url: '/v1/actors/:id/events/stream',
    schema: streamSchema,
    // Resolved before the upgrade, so an unknown actor is refused with a 404 answer rather than an open socket.
    preHandler: async (request) => {
      resolved.set(request, await context.resolveId(request.params.id));
    },
    // A plain GET (no Upgrade header) is told what this route is, as a structured error.
    async handler() {
      throw new ServerError('invalid-request', 'this route is a WebSocket: connect with Upgrade: websocket', 400);
    },
    wsHandler: (socket, request) => {
      const actorId = resolved.get(request)!;
      void streamEvents(system, socket, { actorId, from: request.query.from, types: request.query.type ?? [] });
    },
  });
}
