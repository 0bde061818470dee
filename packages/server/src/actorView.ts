/** How the API shows an actor: a live one, or one known only from its stored chain. */
import type { ChainEvent, ChainStore } from '@theater/event-chain';
import { actorFailEvent, actorSpawnEvent, isKernelError, type Actor } from '@theater/kernel';
import { ServerError } from './serverError.js';

/** An actor as the API shows it (the client's `ActorView`). */
export interface ActorView {
  readonly id: string;
  readonly name: string;
  readonly status: Actor['status'];
  readonly parentId: string | null;
  readonly componentHash: string;
  /** ISO 8601 time this server started (or resumed) it; null for an actor known only from the store. */
  readonly startedAt: string | null;
  /** Milliseconds since `startedAt`; null when not running. */
  readonly uptimeMs: number | null;
  readonly failure?: { readonly reason: string; readonly message: string };
}

/** The view of a live actor, started at `startedAt` (ms since the epoch; unknown for one this server did not start). */
export function actorView(actor: Actor, parentId: string | null, startedAt: number | undefined, now: number): ActorView {
  const running = actor.status === 'running' || actor.status === 'starting';
  return {
    id: actor.id,
    name: actor.name,
    status: actor.status,
    parentId,
    componentHash: actor.componentHash,
    startedAt: startedAt === undefined ? null : new Date(startedAt).toISOString(),
    uptimeMs: startedAt === undefined || !running ? null : Math.max(0, now - startedAt),
    ...(actor.failure === undefined ? {} : { failure: { reason: actor.failure.reason, message: actor.failure.message } }),
  };
}

/** The view of an actor that does not run here, from its chain: its first event names it, its last says how it ended. */
export async function storedActorView(store: ChainStore, actorId: string): Promise<ActorView> {
  const [first] = await store.read(actorId, { limit: 1 });
  const head = await store.head(actorId);
  if (first === undefined || head === undefined)
    throw new ServerError('actor-not-found', `no actor with id ${actorId}, running or stored`, 404);
  const spawn = readable(() => actorSpawnEvent.decode(first));
  const failed = head.type === 'actor.fail';
  return {
    id: actorId,
    name: spawn?.name ?? 'unknown',
    status: failed ? 'failed' : 'stopped',
    parentId: spawn?.parent ?? null,
    componentHash: spawn?.component ?? '',
    startedAt: null,
    uptimeMs: null,
    ...(failed ? { failure: failureOf(head) } : {}),
  };
}

/** The parent an actor's chain records at its spawn (null for a top-level actor); `actor-not-found` without a chain. */
export async function recordedParent(store: ChainStore, actorId: string): Promise<string | null> {
  const [first] = await store.read(actorId, { limit: 1 });
  if (first === undefined) throw new ServerError('actor-not-found', `actor ${actorId} has no stored chain`, 404);
  return readable(() => actorSpawnEvent.decode(first))?.parent ?? null;
}

function failureOf(event: ChainEvent): { reason: string; message: string } {
  const recorded = readable(() => actorFailEvent.decode(event));
  return { reason: recorded?.reason ?? 'unknown', message: recorded?.message ?? '' };
}

/** A view shows what a stored chain holds; data of another shape (an imported chain) shows as unknown, not an error. */
function readable<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (isKernelError(error, 'invalid-chain')) return undefined;
    throw error;
  }
}
