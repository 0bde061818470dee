/**
 * A worker: counts the messages it is sent (JSON strings) in its state `{"count": n}`. The message `"crash"` makes it
 * fail (a thrown `ActorError`: its state is not committed, and the kernel tells its supervisor, which restarts it). A
 * request replies with its state.
 */
import { log } from 'theater:simple/runtime';
import { ActorError, defineActor, reply } from '@theater/sdk/guest';

export default defineActor({
  state: () => ({ count: 0 }),

  init(state, { id }) {
    log(`worker ${id} starting with ${JSON.stringify(state)}`);
    return state;
  },

  onSend(state, message: string) {
    if (message === 'crash') {
      log('crashing');
      throw new ActorError('asked to crash');
    }
    return { count: state.count + 1 };
  },

  onRequest: (state) => reply(state, state),
});
