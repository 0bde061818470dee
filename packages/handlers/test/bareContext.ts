/** A handler context with only what a handler that never messages, supervises, calls exports nor holds resources reads. */
import type { Clock, HandlerConfig, HandlerContext, Manifest } from '@theater/kernel';

/** `config`'s context for actor `a` of `manifest`, on `clock`; messaging, supervision, calls and resources are absent. */
export function bareContext<C extends HandlerConfig>(manifest: Manifest, config: C, clock: Clock): HandlerContext<C> {
  return {
    actorId: 'a',
    manifest,
    config,
    state: () => undefined,
    events: async () => [],
    messaging: undefined as never,
    supervision: undefined as never,
    call: undefined as never,
    onExit: undefined as never,
    resource: undefined as never,
    log: () => {},
    shutdown: () => {},
    now: () => clock.now(),
    clock,
  };
}
