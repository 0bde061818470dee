/**
 * A supervisor: spawns two workers (worker.toml) in `init` and keeps their ids in its state.
 *
 * Requests are JSON: `{"send": "<text>", "to": 1}` forwards a message to worker 1 or 2 (`{"code": "no-worker"}` error
 * reply for another number); `{"status": true}` replies with each worker's id and state (read through
 * `get-child-state`) and what `onChildError` / `onChildExit` reported. The restart itself is the kernel's: the
 * manifest's `[supervision]` strategy restarts a failed worker from its last committed state.
 */
import { log } from 'theater:simple/runtime';
import { getChildState, spawn } from 'theater:simple/supervisor';
import { decodeJson, defineActor, reply, replyError } from '@theater/sdk/guest';
import { send } from '@theater/sdk/messaging';

interface Supervisor {
  workers: string[];
  reports: string[];
}

type Command = { send: string; to: number } | { status: true };

export default defineActor({
  state: (): Supervisor => ({ workers: [], reports: [] }),

  init(state) {
    if (state.workers.length > 0) return state; // restarted: the workers are still ours
    const workers = [spawn('worker.toml', undefined), spawn('worker.toml', undefined)];
    log(`supervising ${workers.join(', ')}`);
    return { ...state, workers };
  },

  onRequest(state, command: Command) {
    if ('send' in command) {
      const worker = state.workers[command.to - 1];
      if (worker === undefined) return replyError(state, { code: 'no-worker', message: `no worker ${command.to}` });
      send(worker, command.send);
      return reply(state, 'sent');
    }
    const workers = state.workers.map((id) => ({ id, state: decodeJson<{ count: number } | null>(getChildState(id), null) }));
    return reply(state, { workers, reports: state.reports });
  },

  onChildError(state, { childId, type, message }) {
    log(`worker ${childId} failed (${type}): ${message ?? 'no message'}`);
    return { ...state, reports: [...state.reports, `${childId} failed (${type}: ${message ?? 'no message'})`] };
  },

  onChildExit: (state, { childId }) => ({ ...state, reports: [...state.reports, `${childId} exited`] }),
});
