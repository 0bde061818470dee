/**
 * @theater/sdk/messaging: typed messaging for actor code, over `theater:simple/message-server-host` (so only actors
 * whose world imports it may use this module). Requests decode the `defineActor` reply envelope into
 * `{ ok: true, value } | { ok: false, error }`; host refusals throw a `MessagingError` (an `ActorError`: uncaught,
 * it fails the calling actor).
 */
import { request as hostRequest, respondToRequest, send as hostSend } from 'theater:simple/message-server-host';
import { jsonCodec, type Codec } from './codec.js';
import { fromHostError } from './messagingError.js';
import { decodeReply, encodeErrorReply, encodeReply, type AppError, type ReplyResult } from './replyEnvelope.js';

export { MessagingError, type MessagingErrorCode } from './messagingError.js';
export type { AppError, ReplyResult } from './replyEnvelope.js';

/** Codecs for a request: how the message is encoded and how the reply's value is decoded (both JSON by default). */
export interface RequestCodecs<Req, Res> {
  readonly request?: Codec<Req>;
  readonly reply?: Codec<Res>;
}

/**
 * Sends a request to a `defineActor` actor and decodes its reply: `{ ok: true, value }` for `reply`,
 * `{ ok: false, error }` for `replyError` (and the SDK's own `bad-request` / `not-handled` error replies).
 * Throws a `MessagingError` when the host refuses (`actor-not-found`, `actor-failed`, `request-timeout`, …) or the
 * reply is not an envelope (`invalid-reply`).
 *
 * @example
 * const counted = request<{ count: number }>(notesId, { type: 'count' });
 * if (counted.ok) log(`${counted.value.count} notes`);
 */
export function request<Res = unknown, E = AppError, Req = unknown>(
  actorId: string,
  message: Req,
  codecs: RequestCodecs<Req, Res> = {},
): ReplyResult<Res, E> {
  const encoded = (codecs.request ?? jsonCodec<Req>()).encode(message);
  let bytes: Uint8Array;
  try {
    bytes = hostRequest(actorId, encoded);
  } catch (error) {
    throw fromHostError(`request to ${actorId}`, error);
  }
  return decodeReply<Res, E>(bytes, codecs.reply ?? jsonCodec<Res>());
}

/** Sends a one-way message (JSON by default). Throws a `MessagingError` when the host refuses it. */
export function send<T>(actorId: string, message: T, codec: Codec<T> = jsonCodec<T>()): void {
  const encoded = codec.encode(message);
  try {
    hostSend(actorId, encoded);
  } catch (error) {
    throw fromHostError(`send to ${actorId}`, error);
  }
}

/** Answers a deferred request (one `onRequest` answered with `noReply`) with a value, in the reply envelope. */
export function respond<T>(requestId: string, value: T, codec: Codec<T> = jsonCodec<T>()): void {
  const encoded = encodeReply(value, codec);
  try {
    respondToRequest(requestId, encoded);
  } catch (error) {
    throw fromHostError(`respond to request ${requestId}`, error);
  }
}

/** Answers a deferred request with an error reply; `codec` is the actor's reply codec (its framing is used). */
export function respondError<E>(requestId: string, error: E, codec: Codec<unknown> = jsonCodec()): void {
  const encoded = encodeErrorReply(error, codec);
  try {
    respondToRequest(requestId, encoded);
  } catch (failure) {
    throw fromHostError(`respond to request ${requestId}`, failure);
  }
}
