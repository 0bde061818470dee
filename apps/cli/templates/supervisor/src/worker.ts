/**
 * The worker of {{name}}: does the jobs its supervisor hands it and remembers them.
 *
 * Request `{"job": "<name>"}` does a job and replies with the number done; the job `crash` throws an `ActorError`:
 * the worker fails, its supervisor is told (onChildError), and the kernel restarts it from the state it had
 * committed before.
 */
import { log } from 'theater:simple/runtime';
import { ActorError, defineActor, reply } from '@theater/sdk/guest';

export default defineActor({
  state: () => ({ done: [] as string[] }),

  onRequest(state, { job }: { job: string }) {
    if (job === 'crash') throw new ActorError('asked to crash');
    log(`did ${job}`);
    const done = [...state.done, job];
    return reply({ done }, { done: done.length });
  },
});
