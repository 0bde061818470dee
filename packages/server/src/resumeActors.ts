/**
 * Bringing back the actors a server was running when it last stopped or was killed: each from its last committed
 * state, with its id and its chain continued, parents before their children (a child comes back under its parent,
 * judged against what the parent holds now).
 */
import { isKernelError, type ActorSystem } from '@theater/kernel';
import { recordedParent } from './actorView.js';
import type { ResumableActors } from './resumableActors.js';
import { toApiFailure } from './apiError.js';
import { isServerError } from './serverError.js';

/** What a resume did. */
export interface ResumeOutcome {
  readonly resumed: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: { readonly code: string; readonly message: string } }[];
}

/** Actors resumed at once: each takes a worker and runs its `init`. */
const CONCURRENCY = 4;

/** Resumes every actor in `resumable` that is not running. */
export async function resumeActors(system: ActorSystem, resumable: ResumableActors): Promise<ResumeOutcome> {
  const store = await system.chainStore();
  const waiting = new Map<string, string | null>();
  const failed: { id: string; error: { code: string; message: string } }[] = [];
  for (const id of resumable.ids()) {
    if (system.get(id) !== undefined) continue;
    try {
      waiting.set(id, await recordedParent(store, id));
    } catch (error) {
      // No chain at all: the server died between the journal write and the spawn's first event, before the start was
      // acknowledged. Nothing of it exists to resume.
      if (isServerError(error, 'actor-not-found')) resumable.remove(id);
      failed.push({ id, error: errorOf(error) });
    }
  }
  const resumed: string[] = [];
  // Each pass resumes those whose parent runs (or who have none); a parent that could not come back leaves its
  // children waiting, reported below.
  for (;;) {
    const ready = [...waiting].filter(([, parent]) => parent === null || system.get(parent)?.status === 'running').map(([id]) => id);
    if (ready.length === 0) break;
    for (let index = 0; index < ready.length; index += CONCURRENCY) {
      const batch = ready.slice(index, index + CONCURRENCY);
      await Promise.all(
        batch.map(async (id) => {
          waiting.delete(id);
          try {
            // Held: an instance that fails to start leaves the actor in the journal, for a later resume.
            await resumable.holding(id, () => system.resume(id));
            resumed.push(id);
          } catch (error) {
            failed.push({ id, error: errorOf(error) });
          }
        }),
      );
    }
  }
  for (const [id, parent] of waiting) {
    failed.push({
      id,
      error: { code: 'actor-not-running', message: `actor ${id} is a child of actor ${parent}, which did not come back` },
    });
  }
  return { resumed, failed };
}

function errorOf(error: unknown): { code: string; message: string } {
  if (isKernelError(error)) return { code: error.code, message: error.message };
  const { error: body } = toApiFailure(error);
  return { code: body.code, message: error instanceof Error ? error.message : body.message };
}
