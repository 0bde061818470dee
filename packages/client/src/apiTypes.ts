/**
 * The wire shapes of the operator API (`/v1`), as the server sends them. Bytes travel as base64; the client's
 * methods hand back `Uint8Array`s.
 */

/** starting → running → stopping → stopped, or failed. */
export type ActorStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** An actor as the API shows it. */
export interface ActorView {
  readonly id: string;
  readonly name: string;
  readonly status: ActorStatus;
  /** The parent's id when the actor is a supervised child. */
  readonly parentId: string | null;
  /** SHA-256 (hex) of the component it runs (or last ran). */
  readonly componentHash: string;
  /** ISO 8601 time this server started it (or resumed it); null for an actor known only from the store. */
  readonly startedAt: string | null;
  /** Milliseconds since `startedAt`; null when not running. */
  readonly uptimeMs: number | null;
  readonly failure?: { readonly reason: string; readonly message: string };
}

/** A node of the supervision tree. */
export interface TreeNode {
  readonly actor: ActorView;
  readonly children: readonly TreeNode[];
}

/** `GET /v1/health`. */
export interface Health {
  readonly ok: true;
  readonly version: string;
  readonly uptimeMs: number;
  /** Actors running. */
  readonly actors: number;
  /** Actors interrupted by the server's last stop or crash, waiting for a resume. */
  readonly resumable: number;
  readonly pid: number;
  readonly home: string;
}

/** A message or request payload on the wire: exactly one of the three. */
export type PayloadBody = { readonly text: string } | { readonly json: unknown } | { readonly base64: string };

/** A chain event on the wire: every field, hashes and data as base64, so a client can verify it. */
export interface WireEvent {
  /** The event format version (1: data is JSON, 2: data is binary; see @theater/event-chain). */
  readonly v: 1 | 2;
  readonly seq: number;
  readonly parent: string | null;
  readonly type: string;
  readonly data: string;
  /** ms since the epoch. */
  readonly time: number;
  readonly hash: string;
}

/** `GET /v1/actors/:id/events`: a page of events and where the next page starts (null at the head). */
export interface EventPage {
  readonly events: readonly WireEvent[];
  /** The seq to pass as `from` for the next page; null when the page reached the head of the chain. */
  readonly next: number | null;
  /** Events in the chain (its head's seq + 1). */
  readonly total: number;
}

/** A frame of the event stream WebSocket (`/v1/actors/:id/events/stream`). */
export type EventStreamFrame =
  | { readonly type: 'event'; readonly event: WireEvent }
  /** Every stored event up to the subscription point was sent; what follows is live. */
  | { readonly type: 'live' }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };

/** A frame a client sends on the channel WebSocket (`/v1/actors/:id/channel`). */
export type ChannelClientFrame =
  | { readonly type: 'open'; readonly base64: string }
  | { readonly type: 'message'; readonly base64: string }
  | { readonly type: 'close' };

/** A frame the server sends on the channel WebSocket. */
export type ChannelServerFrame =
  | { readonly type: 'opened'; readonly channelId: string; readonly welcome: string | null }
  | { readonly type: 'message'; readonly base64: string }
  /** The actor closed the channel, or ended. */
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };

/**
 * `GET /v1/actors/:id/chain/verify`: hashes, links and signed checkpoints (signed by the server's node key, or by
 * one of the `trust` keys). `unsignedEvents`: events after the newest checkpoint, which no signature vouches for.
 */
export type VerifyView =
  | { readonly ok: true; readonly actor: string; readonly events: number; readonly checkpoints: number; readonly unsignedEvents: number }
  | {
      readonly ok: false;
      readonly actor: string;
      readonly events: number;
      readonly checkpoints: number;
      readonly index: number;
      readonly reason: string;
    };

/** One side of a replay divergence. */
export interface ReplayedEventView {
  readonly type: string;
  readonly data: unknown;
  readonly hash: string;
}

/** `POST /v1/actors/:id/replay`. */
export interface ReplayView {
  readonly ok: boolean;
  readonly actorId: string;
  readonly events: number;
  readonly recordedComponent: string;
  readonly replayedComponent: string;
  readonly divergence: {
    readonly index: number;
    readonly expected: ReplayedEventView | null;
    readonly actual: ReplayedEventView | null;
    readonly reason: string;
  } | null;
  readonly durationMs: number;
}

/** `POST /v1/resume`: what came back, and what could not (with why). */
export interface ResumeView {
  readonly resumed: readonly ActorView[];
  readonly failed: readonly { readonly id: string; readonly error: { readonly code: string; readonly message: string } }[];
}

/** A frame a client sends on the session WebSocket (`/v1/session`): a send or a request, matched by `id`. */
export type SessionClientFrame = { readonly id: string | number; readonly op: 'send' | 'request'; readonly actor: string } & PayloadBody;

/** The server's answer to one session frame (in completion order, not send order). */
export type SessionServerFrame =
  | { readonly id: string | number; readonly ok: true; readonly reply?: string }
  | { readonly id: string | number | null; readonly error: { readonly code: string; readonly message: string } };
