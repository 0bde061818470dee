/** Typed inspection events: how an actor system reports what happens inside it (never log lines). */
import type { FailureReason } from './actor/actorFailure.js';

/** Everything an actor system reports to its inspectors. */
export type InspectionEvent =
  | { readonly type: 'actor.spawned'; readonly actorId: string; readonly name: string; readonly componentHash: string }
  | { readonly type: 'actor.started'; readonly actorId: string; readonly spawnMs: number }
  | { readonly type: 'actor.log'; readonly actorId: string; readonly message: string; readonly time: number }
  | {
      readonly type: 'actor.failed';
      readonly actorId: string;
      readonly reason: FailureReason;
      readonly message: string;
    }
  | {
      readonly type: 'actor.stopped';
      readonly actorId: string;
      readonly by: 'request' | 'self';
      readonly data: Uint8Array | undefined;
    }
  | { readonly type: 'component.transpiled'; readonly hash: string; readonly durationMs: number };

/** Receives inspection events. */
export type Inspector = (event: InspectionEvent) => void;
