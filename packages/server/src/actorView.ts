/** How the API shows an actor. */
import type { Actor } from '@theater/kernel';

/** An actor as `GET /v1/actors` lists it. */
export interface ActorView {
  readonly id: string;
  readonly name: string;
  readonly status: Actor['status'];
  readonly componentHash: string;
  /** Milliseconds since the server started it. */
  readonly uptimeMs: number;
  readonly failure?: { readonly reason: string; readonly message: string };
}

/** The view of `actor`, started at `startedAt` (ms since the epoch). */
export function actorView(actor: Actor, startedAt: number, now: number): ActorView {
  return {
    id: actor.id,
    name: actor.name,
    status: actor.status,
    componentHash: actor.componentHash,
    uptimeMs: Math.max(0, now - startedAt),
    ...(actor.failure === undefined ? {} : { failure: { reason: actor.failure.reason, message: actor.failure.message } }),
  };
}
