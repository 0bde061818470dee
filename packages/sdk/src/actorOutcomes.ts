/**
 * What `defineActor` handlers return besides a new state: the outcome of a request (a reply, an error reply, or
 * no reply yet) and of a channel open (accept or refuse). Plain data, built by the helpers below.
 */
import type { AppError } from './replyEnvelope.js';

/** A request answered with `value`. */
export interface Reply<S, R> {
  readonly kind: 'reply';
  readonly state: S;
  readonly value: R;
}

/** A request answered with an application-level error: the requester can tell it apart; the actor keeps running. */
export interface ErrorReply<S, E> {
  readonly kind: 'error-reply';
  readonly state: S;
  readonly error: E;
}

/** A request not answered yet: answer it later with `respond`/`respondError` from `@theater/sdk/messaging`. */
export interface NoReply<S> {
  readonly kind: 'no-reply';
  readonly state: S;
}

/** What `onRequest` returns. */
export type RequestOutcome<S, R, E = AppError> = Reply<S, R> | ErrorReply<S, E> | NoReply<S>;

/** A channel accepted, optionally with a first message back to the opener. */
export interface AcceptChannel<S, C> {
  readonly kind: 'accept';
  readonly state: S;
  readonly message?: C;
}

/** A channel refused: the opener gets `channel-rejected`. */
export interface RefuseChannel<S> {
  readonly kind: 'refuse';
  readonly state: S;
}

/** What `onChannelOpen` returns. */
export type ChannelOutcome<S, C> = AcceptChannel<S, C> | RefuseChannel<S>;

/**
 * Answers a request with `value` (encoded with the reply codec, JSON by default) and keeps `state`.
 *
 * @example
 * onRequest: (state) => reply(state, { count: state.notes.length }),
 */
export function reply<S, R>(state: S, value: R): Reply<S, R> {
  return { kind: 'reply', state, value };
}

/**
 * Answers a request with an error value (any JSON value; `{ code, message }` by convention). The requester sees
 * `{ ok: false, error }`; the operation succeeds, `state` is committed and the actor keeps running.
 *
 * @example
 * if (note === undefined) return replyError(state, { code: 'not-found', message: `no note ${index}` });
 */
export function replyError<S, E>(state: S, error: E): ErrorReply<S, E> {
  return { kind: 'error-reply', state, error };
}

/** Leaves a request unanswered for now (deferred); answer it later by its request id. */
export function noReply<S>(state: S): NoReply<S> {
  return { kind: 'no-reply', state };
}

/** Accepts a channel, optionally sending `message` (encoded with the channel codec) to the opener. */
export function accept<S, C = never>(state: S, message?: C): AcceptChannel<S, C> {
  return message === undefined ? { kind: 'accept', state } : { kind: 'accept', state, message };
}

/** Refuses a channel. */
export function refuse<S>(state: S): RefuseChannel<S> {
  return { kind: 'refuse', state };
}
