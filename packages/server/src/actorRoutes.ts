/** `/v1/actors` and `/v1/tree`: list, start, show, stop and restart actors, read their state, see the tree. */
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadManifest, parseManifest } from '@theater/kernel';
import { actorView, type ActorView } from './actorView.js';
import { actorViewSchema, errorResponses, idParams } from './routeSchemas.js';
import type { ServerContext } from './serverContext.js';
import { ServerError } from './serverError.js';

/** The body of `POST /v1/actors`: a manifest file (`path`) or its text (`toml`, with `baseDir` for relative paths). */
interface StartBody {
  readonly path?: string;
  readonly toml?: string;
  readonly baseDir?: string;
  /** Replaces the manifest's name. */
  readonly name?: string;
  /** The initial state as any JSON value (stored as its UTF-8 JSON), or as base64 bytes. */
  readonly state?: unknown;
  readonly stateBase64?: string;
}

const startSchema = {
  summary: 'Start an actor from a manifest path or inline TOML, with an optional initial state',
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1, description: 'A manifest file, as the server sees it' },
      toml: { type: 'string', minLength: 1, description: 'The manifest text' },
      baseDir: { type: 'string', minLength: 1, description: 'The directory relative paths in `toml` start from' },
      name: { type: 'string', minLength: 1, maxLength: 128 },
      state: { description: 'The initial state as a JSON value (the actor receives its UTF-8 JSON)' },
      stateBase64: { type: 'string', contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
    },
    oneOf: [{ required: ['path'] }, { required: ['toml'] }],
  },
  response: { 201: { type: 'object', properties: { actor: actorViewSchema } }, ...errorResponses },
} as const;

const listSchema = {
  summary: 'List actors: those running, and with all=true also those known only from the chain store',
  querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean', default: false } } },
  response: { 200: { type: 'object', properties: { actors: { type: 'array', items: actorViewSchema } } }, ...errorResponses },
} as const;

const oneActor = { 200: { type: 'object', properties: { actor: actorViewSchema } }, ...errorResponses } as const;

interface TreeNode {
  readonly actor: ActorView;
  readonly children: TreeNode[];
}

/** Registers the actor routes. */
export function actorRoutes(app: FastifyInstance, context: ServerContext): void {
  const { system } = context;

  app.get<{ Querystring: { all: boolean } }>('/v1/actors', { schema: listSchema }, async (request) => {
    const live = await Promise.all(system.list().map((actor) => context.view(actor.id)));
    if (!request.query.all) return { actors: live };
    const running = new Set(live.map((actor) => actor.id));
    const stored = (await (await system.chainStore()).actors()).filter((id) => !running.has(id));
    return { actors: [...live, ...(await Promise.all(stored.map((id) => context.view(id))))] };
  });

  app.post<{ Body: StartBody }>('/v1/actors', { schema: startSchema }, async (request, reply) => {
    const { body } = request;
    if (body.state !== undefined && body.stateBase64 !== undefined) {
      throw new ServerError('invalid-request', 'give the initial state as state or stateBase64, not both', 400);
    }
    const loaded =
      body.path !== undefined
        ? await loadManifest(resolve(body.path), { handlers: system.handlers })
        : parseManifest(body.toml!, { handlers: system.handlers, baseDir: body.baseDir, source: 'request body' });
    const manifest = body.name === undefined ? loaded : { ...loaded, name: body.name };
    const initState =
      body.stateBase64 !== undefined
        ? new Uint8Array(Buffer.from(body.stateBase64, 'base64'))
        : body.state !== undefined
          ? new TextEncoder().encode(JSON.stringify(body.state))
          : undefined;
    const actor = await system.spawn(manifest, initState === undefined ? {} : { initState });
    await context.confirmResumable(actor);
    return reply.code(201).send({ actor: await context.view(actor.id) });
  });

  app.get<{ Params: { id: string } }>(
    '/v1/actors/:id',
    { schema: { summary: 'Show an actor, running or stored', params: idParams, response: oneActor } },
    async (request) => {
      return { actor: await context.view(await context.resolveId(request.params.id)) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/actors/:id',
    {
      schema: {
        summary: 'Stop an actor (its children first); for one interrupted by a server stop or crash, forget it so no resume brings it back',
        params: idParams,
        response: oneActor,
      },
    },
    async (request) => {
      const id = await context.resolveId(request.params.id);
      if (system.get(id) === undefined) {
        if (!context.resumable.has(id)) throw new ServerError('actor-not-running', `actor ${id} is not running`, 409);
        context.resumable.remove(id);
      } else {
        const actor = system.get(id)!;
        const parentId = system.parentOf(id) ?? null;
        await system.stop(id);
        // An actor whose chain is kept in memory only (save_chain = false) has no stored view: shown as it ended.
        if (!actor.manifest.saveChain) return { actor: actorView(actor, parentId, undefined, Date.now()) };
      }
      return { actor: await context.view(id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/actors/:id/restart',
    {
      schema: {
        summary: 'Restart an actor from its last committed state: same id, its chain continued (a stopped or failed one is resumed)',
        params: idParams,
        response: oneActor,
      },
    },
    async (request) => {
      const id = await context.resolveId(request.params.id);
      // Held in the journal throughout: a crash between the old instance's stop and the new one's start loses nothing.
      const restarted = await context.resumable.holding(id, () => (system.get(id) === undefined ? system.resume(id) : system.restart(id)));
      await context.confirmResumable(restarted);
      return { actor: await context.view(restarted.id) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/actors/:id/state',
    {
      schema: {
        summary: "An actor's last committed state (base64; null when it has none)",
        params: idParams,
        response: {
          200: { type: 'object', properties: { state: { type: ['string', 'null'], contentEncoding: 'base64' } } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const state = (await context.liveActor(request.params.id)).state();
      return { state: state === undefined ? null : Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64') };
    },
  );

  app.get(
    '/v1/tree',
    {
      schema: {
        summary: 'The supervision tree of the running actors',
        response: { 200: { type: 'object', properties: { roots: { type: 'array', items: { $ref: 'TreeNode#' } } } }, ...errorResponses },
      },
    },
    async () => {
      const nodes = new Map<string, TreeNode>();
      for (const actor of system.list()) nodes.set(actor.id, { actor: await context.view(actor.id), children: [] });
      const roots: TreeNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.actor.parentId === null ? undefined : nodes.get(node.actor.parentId);
        (parent === undefined ? roots : parent.children).push(node);
      }
      return { roots };
    },
  );
}
