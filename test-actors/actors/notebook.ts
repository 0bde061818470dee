/**
 * notebook (world supervisor-actor): an actor written with `defineActor` (`@theater/sdk/guest`) and the typed
 * messaging helpers (`@theater/sdk/messaging`). Messages and replies are JSON; replies use the reply envelope
 * (`{"ok": …}` / `{"error": …}`).
 *
 * Sends: `{"add": "<note>"}` adds a note; `{"fail": "<message>"}` throws an `ActorError` (the actor fails);
 * `{"bug": true}` throws a `TypeError` (the actor fails too, with the message).
 * Requests: `{"count": true}` → `{"count": n}`; `{"list": true}` → the notes; `{"get": i}` → note i, or the error
 * reply `{"code": "not-found"}`; `{"ask": {"to": id, "query": q}}` → what `request` returned asking actor `id`
 * (`{"ok": true, "value"}` or `{"ok": false, "error"}`), or the error reply `request-failed` with the
 * `MessagingError`'s code; `{"defer": true}` → no reply yet; `{"answer": {"value": v}}` / `{"answer": {"error": e}}`
 * answers the oldest deferred request with `respond` / `respondError`; `{"spawn": "<manifest>"}` → the child's id;
 * `{"reports": true}` → what `onChildError` / `onChildExit` recorded (`<child> <type>: <message>`).
 */
import { log } from 'theater:simple/runtime';
import { spawn } from 'theater:simple/supervisor';
import { ActorError, defineActor, noReply, reply, replyError, type AppError } from '@theater/sdk/guest';
import { MessagingError, request, respond, respondError } from '@theater/sdk/messaging';

type Command = { add: string } | { fail: string } | { bug: true };
type Query =
  | { count: true }
  | { list: true }
  | { get: number }
  | { ask: { to: string; query: Query } }
  | { defer: true }
  | { answer: { value?: unknown; error?: AppError } }
  | { spawn: string }
  | { reports: true };

interface Notebook {
  notes: string[];
  deferred: string[];
  reports: string[];
}

export const { actor, messageServerClient, supervisorHandlers } = defineActor({
  state: (): Notebook => ({ notes: [], deferred: [], reports: [] }),
  init(state, { id }) {
    log(`notebook ${id} ready with ${state.notes.length} notes`);
    return state;
  },
  onSend(state, command: Command) {
    if ('fail' in command) throw new ActorError(command.fail);
    if ('bug' in command) throw new TypeError('a bug in onSend');
    return { ...state, notes: [...state.notes, command.add] };
  },
  onRequest(state, query: Query, { requestId }) {
    if ('count' in query) return reply(state, { count: state.notes.length });
    if ('list' in query) return reply(state, state.notes);
    if ('get' in query) {
      const note = state.notes[query.get];
      return note === undefined ? replyError(state, { code: 'not-found', message: `no note ${query.get}` }) : reply(state, note);
    }
    if ('ask' in query) {
      try {
        return reply(state, request(query.ask.to, query.ask.query));
      } catch (error) {
        if (!(error instanceof MessagingError)) throw error;
        return replyError(state, { code: 'request-failed', message: error.message, details: { code: error.code } });
      }
    }
    if ('defer' in query) return noReply({ ...state, deferred: [...state.deferred, requestId] });
    if ('answer' in query) {
      const [oldest, ...rest] = state.deferred;
      if (oldest === undefined) return replyError(state, { code: 'nothing-deferred', message: 'no request is waiting' });
      if (query.answer.error !== undefined) respondError(oldest, query.answer.error);
      else respond(oldest, query.answer.value);
      return reply({ ...state, deferred: rest }, 'answered');
    }
    if ('spawn' in query) return reply(state, spawn(query.spawn, undefined));
    return reply(state, state.reports);
  },
  onChildError: (state, { childId, type, message }) => ({ ...state, reports: [...state.reports, `${childId} ${type}: ${message}`] }),
  onChildExit: (state, { childId }) => ({ ...state, reports: [...state.reports, `${childId} exited`] }),
});
