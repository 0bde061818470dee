/**
 * {{name}}: keeps a list of notes.
 *
 * - send `{"note": "<text>"}` adds a note; `{"clear": true}` removes them all;
 * - request `{"list": true}` replies with the notes, `{"count": true}` with `{"count": n}`, and `{"get": i}` with
 *   note i, or with the error reply `{"code": "not-found", …}` (the actor keeps running).
 *
 * The state is JSON (`{"notes": [...]}`), committed after every message: a restart or a replay starts from it.
 */
import { log } from 'theater:simple/runtime';
import { defineActor, reply, replyError } from '@theater/sdk/guest';

type Message = { note: string } | { clear: true };
type Query = { list: true } | { count: true } | { get: number };

export default defineActor({
  state: () => ({ notes: [] as string[] }),

  init(state, { id }) {
    log(`{{name}} ${id} starting with ${state.notes.length} notes`);
    return state;
  },

  onSend(state, message: Message) {
    if ('clear' in message) return { notes: [] };
    log(`note ${state.notes.length + 1}: ${message.note}`);
    return { notes: [...state.notes, message.note] };
  },

  onRequest(state, query: Query) {
    if ('list' in query) return reply(state, state.notes);
    if ('count' in query) return reply(state, { count: state.notes.length });
    const note = state.notes[query.get];
    return note === undefined ? replyError(state, { code: 'not-found', message: `no note ${query.get}` }) : reply(state, note);
  },
});
