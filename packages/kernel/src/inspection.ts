/**
 * Typed inspection events: how an actor system reports what happens inside it (never log lines). Types are
 * namespaced by what they are about: `actor.*` events name the actor and its parent (`parentId`, undefined for a root
 * actor), `message.*` a message the system refused, `component.*` the component cache.
 */
import type { FailureReason } from './actor/actorFailure.js';

/** What every `actor.*` event carries. */
interface ActorEvent {
  readonly actorId: string;
  /** The supervising actor; undefined for a root actor. */
  readonly parentId: string | undefined;
}

/** The refusals reported as `message.rejected`: the target exists but cannot take the message. */
export type MessageRejection = 'mailbox-full' | 'actor-not-running' | 'export-missing' | 'permission-denied';

/** What kind of message was refused. */
export type MessageKind = 'send' | 'request' | 'channel-open' | 'channel-message';

/** Everything an actor system reports to its inspectors. */
export type InspectionEvent =
  | (ActorEvent & { readonly type: 'actor.spawned'; readonly name: string; readonly componentHash: string })
  | (ActorEvent & {
      readonly type: 'actor.restarted';
      readonly name: string;
      readonly componentHash: string;
      /** True when a stored actor was brought back (`resume`); false for a restart of a live or just-ended actor. */
      readonly resumed: boolean;
    })
  | (ActorEvent & { readonly type: 'actor.started'; readonly spawnMs: number })
  /** A shared worker died for a co-resident's fault: the actor moved to a fresh worker from its committed state. */
  | (ActorEvent & { readonly type: 'actor.relocated'; readonly name: string })
  | (ActorEvent & { readonly type: 'actor.log'; readonly message: string; readonly time: number })
  | (ActorEvent & { readonly type: 'actor.failed'; readonly reason: FailureReason; readonly message: string })
  | (ActorEvent & { readonly type: 'actor.stopped'; readonly by: 'request' | 'self'; readonly data: Uint8Array | undefined })
  | {
      readonly type: 'message.rejected';
      /** The actor the message was for. */
      readonly actorId: string;
      /** The sending actor; undefined for a sender outside the system (the API, the CLI). */
      readonly from: string | undefined;
      readonly kind: MessageKind;
      readonly code: MessageRejection;
      readonly message: string;
    }
  | { readonly type: 'component.transpiled'; readonly hash: string; readonly durationMs: number };

/** Receives inspection events. */
export type Inspector = (event: InspectionEvent) => void;
