/**
 * The handler-context factory: what each granted handler is given of the one actor it serves (and nothing of any
 * other), from which it creates that actor's host functions.
 */
import type { ActorInstance } from '../actor/actorInstance.js';
import type { Clock } from '../clock.js';
import type { ActorState, HandlerContext, HandlerDefinition, HostImplementation } from '../handler.js';
import type { Inspector } from '../inspection.js';
import type { HandlerConfig } from '../manifest/index.js';
import { actorMessaging } from '../messaging/actorMessaging.js';
import type { MessageRouter } from '../messaging/messageRouter.js';
import type { ActorSupervision } from '../supervision/actorSupervision.js';
import type { SystemResources } from '../systemResources.js';

/** What the contexts of an actor system's handlers are made from. */
export interface HandlerContextSource {
  readonly emit: Inspector;
  readonly clock: Clock;
  readonly router: MessageRouter;
  readonly resources: SystemResources;
  /** The `supervisor` handler's view for one parent. */
  readonly supervision: (parentId: string) => ActorSupervision;
}

/** The host functions of every handler granted to `actor` (`granted[i]` serving the manifest's `handlers[i]`). */
export function createHost(actor: ActorInstance, granted: readonly HandlerDefinition[], source: HandlerContextSource): HostImplementation {
  const host: Record<string, HostImplementation[string]> = {};
  for (const [index, handler] of granted.entries()) {
    const config = actor.manifest.handlers[index]!;
    Object.assign(host, handler.create(createHandlerContext(actor, handler.type, config, source)));
  }
  return host;
}

/** The context a handler of type `handlerType`, granted with `config`, gets for `actor`. */
function createHandlerContext(
  actor: ActorInstance,
  handlerType: string,
  config: HandlerConfig,
  source: HandlerContextSource,
): HandlerContext {
  const { emit, clock, router, resources } = source;
  const id = actor.id;
  const manifest = actor.manifest;
  return {
    actorId: id,
    manifest,
    config,
    state: () => actor.state(),
    events: (range) => actor.events(range),
    log: (message) => emit({ type: 'actor.log', actorId: id, parentId: actor.parentId, message, time: clock.now() }),
    shutdown: (data: ActorState) => actor.requestShutdown(data),
    now: () => clock.now(),
    clock,
    messaging: actorMessaging(router, id, manifest.limits.callTimeoutMs),
    supervision: source.supervision(id),
    call: async (iface, fn, params) => actor.enqueue(iface, fn, params),
    onExit: (cleanup) => {
      const done = actor.exited.then(cleanup).then(
        () => {},
        (error: unknown) =>
          emit({
            type: 'actor.log',
            actorId: id,
            parentId: actor.parentId,
            message: `${handlerType} handler cleanup failed: ${String(error)}`,
            time: clock.now(),
          }),
      );
      resources.track(done);
    },
    resource: resources.resource,
  };
}
