/**
 * {{name}}: a supervisor. At start it spawns a worker (worker.toml, built from src/worker.ts) and keeps its id.
 *
 * - send `{"work": "<job>"}` hands the job to the worker with a request, so the job is done (or has failed) when the
 *   send is handled; the job `crash` makes the worker fail: the request fails with `actor-failed`, onChildError hears
 *   of it, and the kernel restarts the worker (worker.toml says `restart = "permanent"`) from its last committed
 *   state. A job handed over while the worker restarts fails with `actor-not-running`;
 * - request `{"status": true}` replies with the worker's id, the jobs it has done (read from its committed state),
 *   the jobs that failed, and what onChildError / onChildExit reported.
 */
import { log } from 'theater:simple/runtime';
import { getChildState, listChildren, spawn } from 'theater:simple/supervisor';
import { decodeJson, defineActor, hostErrorMessage, reply, replyError } from '@theater/sdk/guest';
import { MessagingError, request } from '@theater/sdk/messaging';

interface Supervisor {
  worker: string | null;
  failed: { job: string; code: string }[];
  reports: string[];
}

export default defineActor({
  state: (): Supervisor => ({ worker: null, failed: [], reports: [] }),

  init(state) {
    // Restarted or resumed: the kernel stopped the worker with this actor, so a remembered id may be gone.
    if (state.worker !== null && listChildren().includes(state.worker)) return state;
    const worker = spawn('worker.toml', undefined);
    log(`supervising worker ${worker}`);
    return { ...state, worker };
  },

  onSend(state, { work }: { work: string }) {
    if (state.worker === null) return { ...state, failed: [...state.failed, { job: work, code: 'no-worker' }] };
    try {
      request(state.worker, { job: work });
      return state;
    } catch (error) {
      if (!(error instanceof MessagingError)) throw error;
      log(`job ${work} failed: ${error.code}`);
      return { ...state, failed: [...state.failed, { job: work, code: error.code }] };
    }
  },

  onRequest(state, _query: { status: true }) {
    if (state.worker === null) return replyError(state, { code: 'no-worker', message: 'the worker has exited' });
    let committed: Uint8Array | undefined;
    try {
      committed = getChildState(state.worker);
    } catch (error) {
      return replyError(state, { code: 'worker-unavailable', message: hostErrorMessage(error) });
    }
    const { done } = decodeJson(committed, { done: [] as string[] });
    return reply(state, { worker: state.worker, done, failed: state.failed, reports: state.reports });
  },

  onChildError(state, { childId, type, message }) {
    log(`worker ${childId} failed (${type}): ${message ?? 'no message'}`);
    return { ...state, reports: [...state.reports, `failed (${type}): ${message ?? ''}`] };
  },

  onChildExit(state, { childId }) {
    return { ...state, worker: state.worker === childId ? null : state.worker, reports: [...state.reports, 'exited'] };
  },
});
