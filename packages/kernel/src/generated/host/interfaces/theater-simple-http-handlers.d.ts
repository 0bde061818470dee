/** @module Interface theater:simple/http-handlers **/
export function handleRequest(state: State, params: [HandlerId, HttpRequest]): [State, [HttpResponse]];
export function handleMiddleware(state: State, params: [HandlerId, HttpRequest]): [State, [MiddlewareResult]];
export function handleWebsocketConnect(state: State, params: [HandlerId, bigint, string, string | undefined]): [State];
export function handleWebsocketMessage(state: State, params: [HandlerId, bigint, WebsocketMessage]): [State, [Array<WebsocketMessage>]];
export function handleWebsocketDisconnect(state: State, params: [HandlerId, bigint]): [State];
export type State = import('./theater-simple-types.js').State;
export type HttpRequest = import('./theater-simple-http-types.js').HttpRequest;
export type HttpResponse = import('./theater-simple-http-types.js').HttpResponse;
export type MiddlewareResult = import('./theater-simple-http-types.js').MiddlewareResult;
export type WebsocketMessage = import('./theater-simple-websocket-types.js').WebsocketMessage;
export type HandlerId = bigint;
