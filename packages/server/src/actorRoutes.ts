/** `/v1/actors`: list, start, get and stop the actors of the system. */
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseManifest, type Actor, type ActorSystem } from '@theater/kernel';
import { actorView, type ActorView } from './actorView.js';
import { ServerError } from './serverError.js';

/** The body of `POST /v1/actors`: a manifest file (`path`) or its text (`toml`, with `baseDir` for relative paths). */
interface StartBody {
  readonly path?: string;
  readonly toml?: string;
  readonly baseDir?: string;
  /** The initial state as any JSON value (stored as its UTF-8 JSON), or as base64 bytes. */
  readonly state?: unknown;
  readonly stateBase64?: string;
}

const startSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1 },
      toml: { type: 'string', minLength: 1 },
      baseDir: { type: 'string', minLength: 1 },
      state: {},
      stateBase64: { type: 'string', contentEncoding: 'base64' },
    },
    oneOf: [{ required: ['path'] }, { required: ['toml'] }],
  },
} as const;

const idSchema = { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } } as const;

/** Registers the actor routes over `system`; `startedAt` remembers when each actor was started. */
export function actorRoutes(app: FastifyInstance, system: ActorSystem, startedAt: Map<string, number>): void {
  const find = (id: string): Actor => {
    const actor = system.get(id);
    if (actor === undefined) throw new ServerError('not-found', `no actor with id ${id} runs in this system`, 404);
    return actor;
  };
  const view = (actor: Actor, now = Date.now()): ActorView => actorView(actor, startedAt.get(actor.id) ?? now, now);

  app.get('/v1/actors', async () => {
    const now = Date.now();
    return { actors: system.list().map((actor) => view(actor, now)) };
  });

  app.post<{ Body: StartBody }>('/v1/actors', { schema: startSchema }, async (request, reply) => {
    const { body } = request;
    if (body.state !== undefined && body.stateBase64 !== undefined) {
      throw new ServerError('invalid-request', 'give the initial state as state or stateBase64, not both', 400);
    }
    const manifest = body.path !== undefined ? resolve(body.path) : parseManifest(body.toml!, { baseDir: body.baseDir, source: 'request body' });
    const initState =
      body.stateBase64 !== undefined
        ? new Uint8Array(Buffer.from(body.stateBase64, 'base64'))
        : body.state !== undefined
          ? new TextEncoder().encode(JSON.stringify(body.state))
          : undefined;
    const actor = await system.spawn(manifest, initState === undefined ? {} : { initState });
    startedAt.set(actor.id, Date.now());
    return reply.code(201).send({ actor: view(actor) });
  });

  app.get<{ Params: { id: string } }>('/v1/actors/:id', { schema: idSchema }, async (request) => {
    return { actor: view(find(request.params.id)) };
  });

  app.delete<{ Params: { id: string } }>('/v1/actors/:id', { schema: idSchema }, async (request) => {
    const actor = find(request.params.id);
    await system.stop(actor.id);
    return { actor: view(actor) };
  });
}
