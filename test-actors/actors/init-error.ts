/** init-error (world minimal-actor): init always fails with the guest error `init refused: bad config`. */
import type * as Actor from 'theater:simple/actor';
import { ActorError } from '@theater/sdk/guest';

export const actor: typeof Actor = {
  init() {
    throw new ActorError('init refused: bad config');
  },
};
