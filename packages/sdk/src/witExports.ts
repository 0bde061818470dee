/**
 * The guest side of the `theater:simple` interfaces an actor exports, as componentize-js calls them, written as
 * ordinary module types so the SDK's published declarations need no ambient `theater:simple/*` modules.
 * `test/witExports.types.ts` checks, both ways, that they match the declarations jco generates from `wit/`.
 */

/** An actor's state as the WIT carries it: bytes, `undefined` before the first commit. */
export type WitState = Uint8Array | undefined;

/** `types.wit-error-type`: why an actor failed. */
export type WitErrorType =
  | 'operation-timeout'
  | 'channel-closed'
  | 'shutting-down'
  | 'function-not-found'
  | 'type-mismatch'
  | 'internal'
  | 'serialization-error'
  | 'update-component-error'
  | 'paused'
  | 'out-of-memory'
  | 'trap'
  | 'permission-denied'
  | 'guest-error'
  | 'init-failed';

/** `types.wit-actor-error`: a child's failure as reported to its supervisor. */
export interface WitActorError {
  errorType: WitErrorType;
  data?: Uint8Array;
}

/** `types.channel-accept`: the answer to `open-channel`. */
export interface ChannelAccept {
  accepted: boolean;
  message?: Uint8Array;
}

/** `http-types.http-request`. */
export interface HttpRequest {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

/** `http-types.http-response`. */
export interface HttpResponse {
  status: number;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

/** `http-types.middleware-result`: whether the request goes on to its route, and as what. */
export interface MiddlewareResult {
  proceed: boolean;
  request: HttpRequest;
}

/** `websocket-types.message-type`. */
export type WebsocketMessageType =
  | { tag: 'text' }
  | { tag: 'binary' }
  | { tag: 'connect' }
  | { tag: 'close' }
  | { tag: 'ping' }
  | { tag: 'pong' }
  | { tag: 'other'; val: string };

/** `websocket-types.websocket-message`. */
export interface WebsocketMessage {
  ty: WebsocketMessageType;
  data?: Uint8Array;
  text?: string;
}

/** The `theater:simple/actor` export. */
export interface ActorExport {
  init(state: WitState, params: [string]): [WitState];
}

/** The `theater:simple/message-server-client` export. */
export interface MessageServerClientExport {
  handleSend(state: WitState, params: [Uint8Array]): [WitState];
  handleRequest(state: WitState, params: [string, Uint8Array]): [WitState, [Uint8Array | undefined]];
  handleChannelOpen(state: WitState, params: [string, Uint8Array]): [WitState, [ChannelAccept]];
  handleChannelMessage(state: WitState, params: [string, Uint8Array]): [WitState];
  handleChannelClose(state: WitState, params: [string]): [WitState];
}

/** The `theater:simple/supervisor-handlers` export. */
export interface SupervisorHandlersExport {
  handleChildError(state: WitState, params: [string, WitActorError]): [WitState];
  handleChildExit(state: WitState, params: [string, WitState]): [WitState];
}

/** The `theater:simple/http-handlers` export. */
export interface HttpHandlersExport {
  handleRequest(state: WitState, params: [bigint, HttpRequest]): [WitState, [HttpResponse]];
  handleMiddleware(state: WitState, params: [bigint, HttpRequest]): [WitState, [MiddlewareResult]];
  handleWebsocketConnect(state: WitState, params: [bigint, bigint, string, string | undefined]): [WitState];
  handleWebsocketMessage(state: WitState, params: [bigint, bigint, WebsocketMessage]): [WitState, [Array<WebsocketMessage>]];
  handleWebsocketDisconnect(state: WitState, params: [bigint, bigint]): [WitState];
}

/** The `theater:simple/process-handlers` export. */
export interface ProcessHandlersExport {
  handleStdout(state: WitState, params: [bigint, Uint8Array]): [WitState];
  handleStderr(state: WitState, params: [bigint, Uint8Array]): [WitState];
  handleExit(state: WitState, params: [bigint, number]): [WitState];
}
