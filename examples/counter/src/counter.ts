/**
 * A counter actor: counts the messages it is sent and answers requests with the count.
 *
 * Messages are text (any text: the counter logs it), so sends and requests use the text codec; each send (and each
 * channel message) increments the count. A request (any text, e.g. `count`) replies with the count, which the
 * requester receives in the reply envelope: `{"ok":2}`. The state is JSON, `{"count": n}`.
 */
import { log } from 'theater:simple/runtime';
import { defineActor, reply, textCodec } from '@theater/sdk/guest';

interface Counter {
  count: number;
}

function counted(state: Counter, message: string): Counter {
  const count = state.count + 1;
  log(`message ${count}: ${message}`);
  return { count };
}

export default defineActor({
  state: (): Counter => ({ count: 0 }),
  codecs: { send: textCodec, request: textCodec, channel: textCodec },
  init(state, { id }) {
    log(`counter ${id} starting`);
    return state;
  },
  onSend: counted,
  onRequest: (state) => reply(state, state.count),
  onChannelMessage: counted,
});
