/**
 * @theater/sdk/guest: helpers for actor code, which runs inside the component. Safe to bundle: no Node APIs, and no
 * `theater:simple/*` imports (an import here would force every actor's world to import that interface; the
 * messaging helpers that call the host live in `@theater/sdk/messaging`).
 *
 * The `theater:simple/*` modules themselves are declared by `@theater/sdk/wit-types` (generated from `wit/`).
 */
export { ActorError } from './actorError.js';
export { decodeJson, decodeText, encodeJson, encodeText } from './state.js';
export {
  defineActor,
  type ActorCodecs,
  type ActorDefinition,
  type AnyRequestOutcome,
  type ReplyErrorOf,
  type ReplyValueOf,
  type ChannelContext,
  type ChildError,
  type ChildExit,
  type DefinedActor,
  type HttpContext,
  type ProcessContext,
  type RequestContext,
  type WebSocketContext,
} from './defineActor.js';
export {
  accept,
  noReply,
  refuse,
  reply,
  replyError,
  type AcceptChannel,
  type ChannelOutcome,
  type ErrorReply,
  type NoReply,
  type RefuseChannel,
  type Reply,
  type RequestOutcome,
} from './actorOutcomes.js';
export { bytesCodec, jsonCodec, textCodec, type Codec } from './codec.js';
export { decodeReply, encodeErrorReply, encodeReply, type AppError, type ReplyResult } from './replyEnvelope.js';
export { MessagingError, type MessagingErrorCode } from './messagingError.js';
export { hostErrorMessage } from './hostErrorMessage.js';
export type {
  ActorExport,
  ChannelAccept,
  HttpHandlersExport,
  HttpRequest,
  HttpResponse,
  MessageServerClientExport,
  MiddlewareResult,
  ProcessHandlersExport,
  SupervisorHandlersExport,
  WebsocketMessage,
  WebsocketMessageType,
  WitActorError,
  WitErrorType,
  WitState,
} from './witExports.js';
