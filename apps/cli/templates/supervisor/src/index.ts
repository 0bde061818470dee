/**
 * {{name}}: a supervisor. At start it spawns a worker (worker.toml, built from src/worker.ts) and keeps its id.
 *
 * - send `{"work": "<job>"}` hands the job to the worker; the job `crash` makes the worker fail, and the kernel
 *   restarts it (worker.toml says `restart = "permanent"`) from its last committed state;
 * - request `{"status": true}` replies with the worker's id, the jobs it has done (asked with a request, so it
 *   answers after the jobs sent before), and what this actor heard through onChildError / onChildExit.
 */
import { log } from 'theater:simple/runtime';
import { spawn } from 'theater:simple/supervisor';
import { defineActor, reply, replyError } from '@theater/sdk/guest';
import { MessagingError, request, send } from '@theater/sdk/messaging';

type Message = { work: string };
type Query = { status: true };

interface Supervisor {
  worker: string | null;
  reports: string[];
}

export default defineActor({
  state: (): Supervisor => ({ worker: null, reports: [] }),

  init(state) {
    if (state.worker !== null) return state; // restarted: the worker is still ours
    const worker = spawn('worker.toml', undefined);
    log(`supervising worker ${worker}`);
    return { ...state, worker };
  },

  onSend(state, message: Message) {
    if (state.worker !== null) send(state.worker, { job: message.work });
    return state;
  },

  onRequest(state, _query: Query) {
    if (state.worker === null) return replyError(state, { code: 'no-worker', message: 'the worker was not spawned' });
    try {
      const done = request<string[]>(state.worker, { done: true });
      return reply(state, { worker: state.worker, done: done.ok ? done.value : [], reports: state.reports });
    } catch (error) {
      if (!(error instanceof MessagingError)) throw error;
      return replyError(state, { code: 'worker-unavailable', message: error.message });
    }
  },

  onChildError(state, { childId, type, message }) {
    log(`worker ${childId} failed (${type}): ${message ?? 'no message'}`);
    return { ...state, reports: [...state.reports, `${childId} failed (${type}): ${message ?? ''}`] };
  },

  onChildExit(state, { childId }) {
    return { ...state, worker: state.worker === childId ? null : state.worker, reports: [...state.reports, `${childId} exited`] };
  },
});
