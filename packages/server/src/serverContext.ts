/**
 * What every route module gets: the actor system, when this server started each actor, and the one way of turning
 * an `:id` (a full id, or a unique prefix of at least 4 characters) into an actor, live or stored.
 */
import type { Actor, ActorSystem } from '@theater/kernel';
import { actorView, storedActorView, type ActorView } from './actorView.js';
import type { ResumableActors } from './resumableActors.js';
import { ServerError } from './serverError.js';

/** The shortest id prefix looked up (the CLI prints the first 8 characters of an id). */
export const MIN_PREFIX = 4;
const CANDIDATES_SHOWN = 5;

export interface ServerContext {
  readonly system: ActorSystem;
  readonly home: string;
  /** The actors to bring back after a stop or crash of the server. */
  readonly resumable: ResumableActors;
  /** The last failure to write the resumable-actor journal, if any. */
  journalFailure: unknown;
  /**
   * Refuses to acknowledge an actor with a saved chain that the journal does not hold (its write failed): stops it and
   * throws `journal-write-failed` (500), so no start is acknowledged that a resume would not bring back.
   */
  confirmResumable(actor: Actor): Promise<void>;
  /** The full id `given` names among live actors, else among the store's; 404 `actor-not-found`, 400 `ambiguous-actor-id`. */
  resolveId(given: string): Promise<string>;
  /** The live actor `given` names; 404 `actor-not-found` when it does not run here. */
  liveActor(given: string): Promise<Actor>;
  /** How the API shows the actor with this full id: live, else from its stored chain. */
  view(actorId: string): Promise<ActorView>;
}

export function createServerContext(system: ActorSystem, home: string, resumable: ResumableActors): ServerContext {
  const startedAt = new Map<string, number>();
  // Every spawn counts, not only the API's: a supervisor's children and their restarts get an uptime too.
  system.inspect((event) => {
    if (event.type === 'actor.spawned') startedAt.set(event.actorId, Date.now());
    else if (event.type === 'actor.stopped' || event.type === 'actor.failed') startedAt.delete(event.actorId);
  });

  async function resolveId(given: string): Promise<string> {
    if (system.get(given) !== undefined) return given;
    const store = await system.chainStore();
    if ((await store.head(given)) !== undefined) return given;
    if (given.length < MIN_PREFIX) {
      throw new ServerError('actor-not-found', `no actor with id ${given} (an id prefix needs at least ${MIN_PREFIX} characters)`, 404);
    }
    const live = system.list().map((actor) => actor.id);
    const matches = [...new Set([...live, ...(await store.actors())])].filter((id) => id.startsWith(given));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new ServerError('actor-not-found', `no actor with id ${given}, running or stored`, 404);
    const shown = matches.slice(0, CANDIDATES_SHOWN).join(', ') + (matches.length > CANDIDATES_SHOWN ? ', …' : '');
    throw new ServerError('ambiguous-actor-id', `${given} is the start of ${matches.length} actor ids: ${shown}`, 400);
  }

  const context: ServerContext = {
    system,
    home,
    resumable,
    journalFailure: undefined,
    async confirmResumable(actor) {
      if (!actor.manifest.saveChain || resumable.has(actor.id)) return;
      await system.stop(actor.id).catch(() => {});
      const cause = context.journalFailure;
      const reason = cause instanceof Error ? cause.message : 'unknown';
      throw new ServerError('journal-write-failed', `actor ${actor.id} could not be recorded for resume (${reason}); it was stopped`, 500, {
        cause,
      });
    },
    resolveId,
    async liveActor(given) {
      const id = await resolveId(given);
      const actor = system.get(id);
      if (actor === undefined) throw new ServerError('actor-not-found', `actor ${id} is not running in this server`, 404);
      return actor;
    },
    async view(actorId) {
      const actor = system.get(actorId);
      if (actor !== undefined) return actorView(actor, system.parentOf(actorId) ?? null, startedAt.get(actorId), Date.now());
      return storedActorView(await system.chainStore(), actorId);
    },
  };
  return context;
}
