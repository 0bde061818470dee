/**
 * `/v1/actors/:id/chain/verify`, `/v1/actors/:id/chain/export` and `/v1/actors/:id/replay`: check an actor's chain
 * (hashes, links, signed checkpoints), download it as a chain file, and re-run the actor from it. Live and stored
 * actors alike; these go through the server's own store, so they work while the server holds the home.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { checkpointCoverage, encodeEventData } from '@theater/event-chain';
import type { ReplayedEvent } from '@theater/kernel';
import { chainLength } from './eventPage.js';
import { errorResponses, idParams } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';
import { ServerError } from './serverError.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/u;

const verifySchema = {
  summary: "Verify an actor's chain: every hash and link, and its signed checkpoints",
  description:
    "Checkpoints must be signed by the server's node key (keys/node.pub of its home), or by one of the trust keys. ok covers hashes, links and checkpoints; unsignedEvents says how many events at the end no checkpoint vouches for.",
  params: idParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      trust: {
        type: 'array',
        maxItems: 64,
        items: { type: 'string', pattern: HEX_KEY.source },
        description: 'Trusted Ed25519 public keys, 64 hex digits each (repeatable)',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['ok', 'actor', 'events', 'checkpoints'],
      properties: {
        ok: { type: 'boolean' },
        actor: { type: 'string' },
        events: { type: 'integer' },
        checkpoints: { type: 'integer' },
        unsignedEvents: { type: 'integer', description: 'When ok: events after the newest checkpoint (0: the head is signed)' },
        index: { type: 'integer', description: 'When not ok: the first event (or checkpoint seq) found wrong' },
        reason: { type: 'string', description: 'When not ok: what is wrong there' },
      },
    },
    ...errorResponses,
  },
} as const;

const replayedEventSchema = {
  type: ['object', 'null'],
  required: ['type', 'data', 'hash'],
  properties: {
    type: { type: 'string' },
    data: { description: 'The decoded event data (bytes as {"$bytes": base64}, 64-bit integers as {"$bigint": "…"})' },
    hash: { type: 'string' },
  },
} as const;

const replaySchema = {
  summary: 'Re-run an actor from its chain alone and compare it, event by event, with what the chain records',
  params: idParams,
  body: {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {
      componentPath: {
        type: 'string',
        minLength: 1,
        description: 'Run this component (a path the server can read) instead of the recorded one',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['ok', 'actorId', 'events', 'recordedComponent', 'replayedComponent', 'divergence', 'durationMs'],
      properties: {
        ok: { type: 'boolean' },
        actorId: { type: 'string' },
        events: { type: 'integer' },
        recordedComponent: { type: 'string' },
        replayedComponent: { type: 'string' },
        divergence: {
          type: ['object', 'null'],
          required: ['index', 'expected', 'actual', 'reason'],
          properties: {
            index: { type: 'integer' },
            expected: replayedEventSchema,
            actual: replayedEventSchema,
            reason: { type: 'string' },
          },
        },
        durationMs: { type: 'number' },
      },
    },
    ...errorResponses,
  },
} as const;

/** Registers the chain routes. */
export function chainRoutes(app: FastifyInstance, context: ServerContext): void {
  const { system } = context;

  app.get<{ Params: { id: string }; Querystring: { trust?: string[] } }>(
    '/v1/actors/:id/chain/verify',
    { schema: verifySchema },
    async (request) => {
      const actorId = await context.resolveId(request.params.id);
      const trust = request.query.trust;
      const trustedKeys = trust === undefined ? undefined : trust.map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));
      const result = await system.verify(actorId, trustedKeys === undefined ? {} : { trustedKeys });
      // Counted after verifying, from the same store: a live actor may have appended meanwhile, which verify did not see.
      const store = await system.chainStore();
      const [head, checkpoints] = await Promise.all([store.head(actorId), store.checkpoints(actorId)]);
      const events = head === undefined ? await chainLength(system, actorId) : head.seq + 1;
      const base = { actor: actorId, events, checkpoints: checkpoints.length };
      if (!result.ok) return { ...base, ok: false, index: result.index, reason: result.reason };
      return { ...base, ok: true, unsignedEvents: checkpointCoverage(events, checkpoints).unsignedEvents };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actors/:id/chain/export',
    {
      schema: {
        summary: "An actor's chain as a chain file (application/octet-stream; see @theater/event-chain), streamed",
        params: idParams,
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actorId = await context.resolveId(request.params.id);
      const chunks = system.exportChain(actorId)[Symbol.asyncIterator]();
      // The first chunk is read before answering, so a failure to start is a structured error, not a cut stream.
      const first = await chunks.next();
      async function* rest(): AsyncGenerator<Uint8Array> {
        try {
          if (first.done === true) return;
          yield first.value;
          for (let chunk = await chunks.next(); chunk.done !== true; chunk = await chunks.next()) yield chunk.value;
        } finally {
          // A client that leaves early ends this generator; the store's export must end too, releasing its snapshot.
          await chunks.return?.();
        }
      }
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${actorId}.chain"`)
        .header('x-theater-actor', actorId)
        .send(Readable.from(rest(), { objectMode: false }));
    },
  );

  app.post<{ Params: { id: string }; Body: { componentPath?: string } | null | undefined }>(
    '/v1/actors/:id/replay',
    { schema: replaySchema },
    async (request) => {
      const actorId = await context.resolveId(request.params.id);
      const componentPath = request.body?.componentPath;
      if (componentPath !== undefined && componentPath.includes('\0'))
        throw new ServerError('invalid-request', 'componentPath holds a NUL character', 400);
      const result = await system.replay(actorId, componentPath === undefined ? {} : { componentPath });
      const { divergence } = result;
      return {
        ...result,
        divergence:
          divergence === undefined
            ? null
            : {
                index: divergence.index,
                expected: replayedEventView(divergence.expected),
                actual: replayedEventView(divergence.actual),
                reason: divergence.reason,
              },
      };
    },
  );
}

/** A replayed event with its data as JSON (bytes and 64-bit integers in the event-data convention), or null. */
function replayedEventView(event: ReplayedEvent | undefined): { type: string; data: unknown; hash: string } | null {
  if (event === undefined) return null;
  return { type: event.type, data: JSON.parse(Buffer.from(encodeEventData(event.data, 1)).toString('utf8')) as unknown, hash: event.hash };
}
