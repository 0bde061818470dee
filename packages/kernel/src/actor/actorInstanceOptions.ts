/** What an actor instance is made with: everything it needs from its system, and how an operation is enqueued. */
import type { ActorChain } from '../chain/actorChain.js';
import type { Clock } from '../clock.js';
import type { Inspector } from '../inspection.js';
import type { Manifest } from '../manifest/index.js';
import type { MessageRouter } from '../messaging/messageRouter.js';
import type { DirectAnswer } from '../sandbox/directAnswer.js';
import type { DeadlineLimit } from './operationQueue.js';

/** Everything an actor needs from its system. */
export interface ActorInstanceOptions {
  readonly id: string;
  /** The supervising actor; undefined (or absent) for a root actor. */
  readonly parentId?: string | undefined;
  readonly manifest: Manifest;
  readonly componentHash: string;
  readonly chain: ActorChain;
  readonly inspector: Inspector;
  readonly now: () => number;
  /** Sleeps on it while an ending actor waits for results it owes (default: the system clock). */
  readonly clock?: Clock;
  /** The export functions the component has, as `interface#wit-name`. */
  readonly exports: ReadonlySet<string>;
  /** Routes requests (with deferred replies) to actors. */
  readonly router: MessageRouter;
  /** Runs when the actor starts stopping, before its instance ends (its children stop here). */
  readonly beforeStop?: () => Promise<void>;
}

/** How an operation is enqueued: `onOutput` (see `enqueue`), the limit its deadline comes from (`init`'s own), and `outsideBound` for system notices the mailbox bound must not refuse. */
export type EnqueueOptions = {
  readonly onOutput?: (output: unknown) => void;
  readonly limit?: DeadlineLimit;
  readonly outsideBound?: boolean;
  /** Takes a mailbox place reserved earlier with `reserve` (a sender's credit, see messaging/sendCredit.ts). */
  readonly reserved?: boolean;
  /** The operation answers a co-resident's request, which the worker may answer directly (see sandbox/directAnswer.ts). */
  readonly answers?: DirectAnswer | undefined;
};
