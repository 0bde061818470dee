/**
 * Compile-time only (checked by `pnpm typecheck`): what `defineActor` infers and refuses. Each `@ts-expect-error`
 * is a mistake the compiler must catch.
 */
import { accept, defineActor, jsonCodec, noReply, refuse, reply, replyError, textCodec } from '../src/guest.js';

type Command = { add: string } | { clear: true };

export const typed = defineActor({
  state: (id) => ({ owner: id, notes: [] as string[] }),
  onSend: (state, command: Command) => ('add' in command ? { ...state, notes: [...state.notes, command.add] } : { ...state, notes: [] }),
  onRequest: (state, index: number) => {
    const note = state.notes[index];
    return note === undefined ? replyError(state, { code: 'not-found', message: `no note ${index}` }) : reply(state, note);
  },
  onChannelOpen: (state, hello: string) => (hello === 'hi' ? accept(state, 'welcome') : refuse(state)),
});

export const severalReplies = defineActor({
  state: () => ({ notes: [] as string[] }),
  onRequest: (state, query: 'list' | 'count') =>
    query === 'list' ? reply(state, state.notes) : reply(state, { count: state.notes.length }),
});

export const textMessages = defineActor({
  state: () => 0,
  codecs: { send: textCodec, reply: textCodec, state: jsonCodec<number>() },
  onSend: (count, text) => count + text.length,
  onRequest: (count) => reply(count, String(count)),
});

export const deferred = defineActor({
  state: () => ({ waiting: [] as string[] }),
  onRequest: (state, _request: unknown, { requestId }) => noReply({ waiting: [...state.waiting, requestId] }),
});

export const mistakes = [
  defineActor({
    state: () => ({ notes: [] as string[] }),
    // @ts-expect-error the new state must be the state's type
    onSend: (_state, note: string) => ({ notes: note }),
  }),
  defineActor({
    state: () => ({ notes: [] as string[] }),
    // @ts-expect-error onRequest must return reply / replyError / noReply, not a plain value
    onRequest: (state) => state.notes.length,
  }),
  defineActor({
    state: () => ({ notes: [] as string[] }),
    // @ts-expect-error a reply's state must be the state's type too
    onRequest: () => reply({ notes: 'none' }, 1),
  }),
  defineActor({
    state: () => 0,
    // @ts-expect-error with the text reply codec, a reply is a string
    codecs: { reply: textCodec },
    onRequest: (count) => reply(count, count),
  }),
  defineActor({
    state: () => 0,
    // @ts-expect-error with the text send codec, a message is a string
    codecs: { send: textCodec },
    onSend: (count, message: number) => count + message,
  }),
  // @ts-expect-error the initial state is required
  defineActor({ onSend: (state: number) => state }),
];
