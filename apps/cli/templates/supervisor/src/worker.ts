/**
 * The worker of {{name}}: does the jobs it is sent and remembers them.
 *
 * - send `{"job": "<name>"}` does a job; the job `crash` throws an `ActorError`: the worker fails, its supervisor is
 *   told (onChildError), and the kernel restarts it from the state it had committed before;
 * - request `{"done": true}` replies with the jobs done so far.
 */
import { log } from 'theater:simple/runtime';
import { ActorError, defineActor, reply } from '@theater/sdk/guest';

export default defineActor({
  state: () => ({ done: [] as string[] }),

  onSend(state, { job }: { job: string }) {
    if (job === 'crash') throw new ActorError('asked to crash');
    log(`did ${job}`);
    return { done: [...state.done, job] };
  },

  onRequest: (state, _query: { done: true }) => reply(state, state.done),
});
