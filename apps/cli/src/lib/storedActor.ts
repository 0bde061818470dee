/**
 * The actor system the chain commands (`events`, `chain verify <id>`, `chain export`) read an actor's persisted
 * chain through: one over the Theater home's store, with no worker threads, opened for one command and closed after.
 */
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, isKernelError, resolveTheaterHome, type ActorSystem } from '@theater/kernel';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { pathExists } from './fileKind.js';

/** Options of {@link withStoredActor}. */
export interface StoredActorOptions {
  /** Theater home; default `$THEATER_HOME`, else `~/.theater`. */
  readonly home: string | undefined;
  /** The actor whose chain the work reads: its id, or a unique prefix of it (at least {@link MIN_PREFIX} characters). */
  readonly actorId: string;
}

/** The shortest id prefix looked up (`theater run` prints the first 8 characters of the id). */
export const MIN_PREFIX = 4;
/** Candidates named when a prefix is ambiguous. */
const CANDIDATES_SHOWN = 5;

/**
 * Opens an actor system over the home's chain store (`poolSize: 0`: nothing runs), finds the actor's chain there
 * (by its id, else by a unique prefix of it), runs `work` with the actor's full id and closes the system. An unknown
 * actor (or a home where nothing ran, whose store is not created for it) is a {@link CommandFailure}
 * `actor-not-found`, a prefix of several ids `ambiguous-actor-id` (bad input); a store another process holds is the
 * kernel's `chain-store-unavailable`.
 * @example
 * const events = await withStoredActor({ home: undefined, actorId: '7ff553ef' }, (system, id) => system.events(id));
 */
export async function withStoredActor<T>(
  options: StoredActorOptions,
  work: (system: ActorSystem, actorId: string) => Promise<T>,
): Promise<T> {
  const home = resolveTheaterHome(options.home);
  if (!(await pathExists(home.dbDir)))
    throw actorNotFound(options.actorId, home.root, `${home.root} has no chain store: no actor has run there`);
  const system = createActorSystem({ handlers: defaultHandlers(), home: home.root, poolSize: 0 });
  try {
    return await work(system, await findActor(system, options.actorId));
  } finally {
    await system.close();
  }
}

/** The full id of the actor `given` names in the system's store. */
async function findActor(system: ActorSystem, given: string): Promise<string> {
  const home = system.home.root;
  try {
    await system.events(given, { limit: 0 });
    return given;
  } catch (error) {
    if (!isKernelError(error, 'actor-not-found')) throw error;
    const notFound = actorNotFound(given, home, `no actor with id ${given} in the chain store of ${home}`, error);
    if (given.length < MIN_PREFIX) {
      throw actorNotFound(
        given,
        home,
        `no actor with id ${given} in the chain store of ${home} (an id prefix needs at least ${MIN_PREFIX} characters)`,
        error,
      );
    }
    const matches = (await (await system.chainStore()).actors()).filter((id) => id.startsWith(given));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw notFound;
    const shown = matches.slice(0, CANDIDATES_SHOWN).join(', ') + (matches.length > CANDIDATES_SHOWN ? ', …' : '');
    const message = `${given} is the start of ${matches.length} actor ids in the chain store of ${home}: ${shown}`;
    throw new CommandFailure(EXIT.badInput, [`ambiguous-actor-id: ${message}`], {
      error: { code: 'ambiguous-actor-id', message, actor: given, home, matches },
    });
  }
}

function actorNotFound(actorId: string, home: string, message: string, cause?: unknown): CommandFailure {
  return new CommandFailure(
    EXIT.badInput,
    [`actor-not-found: ${message}`],
    { error: { code: 'actor-not-found', message, actor: actorId, home } },
    cause === undefined ? undefined : { cause },
  );
}
