/**
 * `defineActor`: write an actor as typed state plus handlers (like an OTP gen_server or an xstate actor) instead of
 * WIT exports. It returns the five guest export objects componentize-js expects; the build re-exports the ones the
 * actor's world exports.
 */
import type { ChannelOutcome, ErrorReply, Reply, RequestOutcome } from './actorOutcomes.js';
import { ActorError } from './actorError.js';
import { describeValue, jsonCodec, type Codec } from './codec.js';
import { hostErrorMessage as messageOf } from './hostErrorMessage.js';
import { encodeErrorReply, encodeReply, type AppError } from './replyEnvelope.js';
import type {
  ActorExport,
  HttpHandlersExport,
  HttpRequest,
  HttpResponse,
  MessageServerClientExport,
  ProcessHandlersExport,
  SupervisorHandlersExport,
  WebsocketMessage,
  WitErrorType,
  WitState,
} from './witExports.js';

/** The codecs of an actor; each defaults to JSON (`jsonCodec()`). */
export interface ActorCodecs<S, Send, Req, Res, Chan> {
  /** The state, as committed after every operation. */
  readonly state?: Codec<S>;
  /** Messages delivered by `send`. */
  readonly send?: Codec<Send>;
  /** Requests. */
  readonly request?: Codec<Req>;
  /** Reply values (the reply envelope's framing follows its `format`). */
  readonly reply?: Codec<Res>;
  /** Channel messages, both ways, including the opening message and the acceptance message. */
  readonly channel?: Codec<Chan>;
}

/** Where a request came from. */
export interface RequestContext {
  /** The request's id: answer a deferred request (`noReply`) with it later. */
  readonly requestId: string;
}

/** The channel a channel handler is called for. */
export interface ChannelContext {
  readonly channelId: string;
}

/** A child's failure, as `supervisor-handlers` reports it. */
export interface ChildError {
  readonly childId: string;
  /** The kernel's failure reason: `guest-error`, `trap`, `init-failed`, `operation-timeout`, … */
  readonly type: WitErrorType;
  /** The failure's message (the error's data as UTF-8), `undefined` when there is none. */
  readonly message: string | undefined;
  /** The error's data as the kernel sent it. */
  readonly data: Uint8Array | undefined;
}

/** A child's exit (it stopped itself or was stopped), with the data it stopped with. */
export interface ChildExit {
  readonly childId: string;
  readonly data: Uint8Array | undefined;
}

/** The HTTP handler (registered with `http-framework`'s `register-handler`) a call is for. */
export interface HttpContext {
  readonly handlerId: bigint;
}

/** A WebSocket connection. */
export interface WebSocketContext {
  readonly handlerId: bigint;
  readonly connectionId: bigint;
}

/** A process started with `process.os-spawn`. */
export interface ProcessContext {
  readonly pid: bigint;
}

/**
 * An actor: its initial state, codecs and handlers. Only `state` is required; every handler is optional and has a
 * default (see the README's table). Every handler returns the new state (possibly the same object, mutated).
 */
export interface ActorDefinition<
  S,
  Send = unknown,
  Req = unknown,
  Out extends AnyRequestOutcome<S> = RequestOutcome<S, unknown, AppError>,
  Chan = unknown,
> {
  /** The initial state, when the actor starts with none (no `init_state`, first start). */
  readonly state: (id: string) => S;
  /** How state, messages and replies become bytes; JSON by default. */
  readonly codecs?: ActorCodecs<S, Send, Req, ReplyValueOf<Out>, Chan>;
  /** Runs at every start (restarts included), after the state is set up. */
  readonly init?: (state: S, context: { readonly id: string }) => S;
  /** A message sent with `send`. Default: ignored (state unchanged). */
  readonly onSend?: (state: S, message: Send) => S;
  /**
   * A request. Return `reply(state, value)`, `replyError(state, error)` or `noReply(state)`. Default: the error
   * reply `{ code: 'not-handled' }`.
   */
  readonly onRequest?: (state: S, request: Req, context: RequestContext) => Out;
  /**
   * Another actor opens a channel. Return `accept(state, message?)` or `refuse(state)`. Default: accepted when
   * `onChannelMessage` is defined, refused otherwise.
   */
  readonly onChannelOpen?: (state: S, message: Chan, context: ChannelContext) => ChannelOutcome<S, Chan>;
  /** A message on an open channel. Default: ignored. */
  readonly onChannelMessage?: (state: S, message: Chan, context: ChannelContext) => S;
  /** The other side closed a channel. Default: ignored. */
  readonly onChannelClose?: (state: S, context: ChannelContext) => S;
  /** A child failed (the kernel restarts it or not by the manifest's `[supervision]`). Default: ignored. */
  readonly onChildError?: (state: S, error: ChildError) => S;
  /** A child stopped. Default: ignored. */
  readonly onChildExit?: (state: S, exit: ChildExit) => S;
  /** An HTTP request routed to one of this actor's handlers. Default: `404`. */
  readonly onHttpRequest?: (state: S, request: HttpRequest, context: HttpContext) => { state: S; response: HttpResponse };
  /** HTTP middleware. Default: the request proceeds unchanged. */
  readonly onHttpMiddleware?: (
    state: S,
    request: HttpRequest,
    context: HttpContext,
  ) => { state: S; proceed: boolean; request?: HttpRequest };
  /** A WebSocket connected (`path`, and `query` when there is one). Default: ignored. */
  readonly onWebSocketConnect?: (
    state: S,
    connection: WebSocketContext & { readonly path: string; readonly query: string | undefined },
  ) => S;
  /** A WebSocket message; `replies` go back on the same connection. Default: ignored, no replies. */
  readonly onWebSocketMessage?: (
    state: S,
    message: WebsocketMessage,
    connection: WebSocketContext,
  ) => { state: S; replies?: WebsocketMessage[] };
  /** A WebSocket disconnected. Default: ignored. */
  readonly onWebSocketDisconnect?: (state: S, connection: WebSocketContext) => S;
  /** Output on a process's stdout. Default: ignored. */
  readonly onProcessStdout?: (state: S, data: Uint8Array, process: ProcessContext) => S;
  /** Output on a process's stderr. Default: ignored. */
  readonly onProcessStderr?: (state: S, data: Uint8Array, process: ProcessContext) => S;
  /** A process exited. Default: ignored. */
  readonly onProcessExit?: (state: S, exitCode: number, process: ProcessContext) => S;
}

/** Any request outcome whose state is an `S`: what `onRequest` may return. */
export type AnyRequestOutcome<S> = RequestOutcome<S, unknown, unknown>;

/** The reply value types an `onRequest` returning `Out` can reply with (a union when it replies in several shapes). */
export type ReplyValueOf<Out> = Out extends Reply<unknown, infer R> ? R : never;

/** The error value types an `onRequest` returning `Out` can reply with. */
export type ReplyErrorOf<Out> = Out extends ErrorReply<unknown, infer E> ? E : never;

/** The guest exports of a defined actor: every interface is always present; the world decides which are used. */
export interface DefinedActor {
  readonly actor: ActorExport;
  readonly messageServerClient: MessageServerClientExport;
  readonly supervisorHandlers: SupervisorHandlersExport;
  readonly httpHandlers: HttpHandlersExport;
  readonly processHandlers: ProcessHandlersExport;
}

const utf8 = new TextDecoder();
const NOT_FOUND: HttpResponse = {
  status: 404,
  headers: [['content-type', 'text/plain; charset=utf-8']],
  body: new TextEncoder().encode('not found'),
};

/**
 * Defines an actor from typed state and handlers, and returns its WIT exports.
 *
 * A handler that throws (an `ActorError` or anything else), a state that does not decode, or a handler that returns
 * something other than what it must fails the operation: the export returns `err(<message>)`, the kernel fails the
 * actor (`guest-error`) and tells its supervisor. An error reply (`replyError`) is not a failure.
 *
 * @example
 * export const { actor, messageServerClient } = defineActor({
 *   state: () => ({ notes: [] as string[] }),
 *   onSend: (state, note: string) => ({ notes: [...state.notes, note] }),
 *   onRequest: (state) => reply(state, state.notes),
 * });
 */
export function defineActor<
  S,
  Send = unknown,
  Req = unknown,
  Out extends AnyRequestOutcome<S> = RequestOutcome<S, unknown, AppError>,
  Chan = unknown,
>(definition: ActorDefinition<S, Send, Req, Out, Chan>): DefinedActor {
  if (definition === null || typeof definition !== 'object' || typeof definition.state !== 'function') {
    throw new TypeError('defineActor needs a definition with a `state` function giving the initial state');
  }
  const codecs = definition.codecs ?? {};
  const stateCodec = codecs.state ?? jsonCodec<S>();
  const sendCodec = codecs.send ?? jsonCodec<Send>();
  const requestCodec = codecs.request ?? jsonCodec<Req>();
  const replyCodec: Codec<unknown> = (codecs.reply as Codec<unknown> | undefined) ?? jsonCodec<unknown>();
  const channelCodec = codecs.channel ?? jsonCodec<Chan>();

  /** Runs one handler on the decoded state and returns the encoded new state with its other results. */
  function operate<T>(hook: string, bytes: WitState, run: (state: S) => { state: S; rest: T }): [WitState, T] {
    return guarded(hook, () => {
      const { state, rest } = run(decodeState(hook, bytes));
      return [encodeState(hook, state), rest];
    });
  }

  function update(hook: string, bytes: WitState, run: (state: S) => S): [WitState] {
    const [state] = operate(hook, bytes, (current) => ({ state: returned(hook, run(current)), rest: undefined }));
    return [state];
  }

  function decodeState(hook: string, bytes: WitState): S {
    if (bytes === undefined) throw new ActorError(`${hook}: the actor has no state (its init did not return one)`);
    try {
      return stateCodec.decode(bytes);
    } catch (error) {
      throw new ActorError(`${hook}: the state does not decode (${stateCodec.name}): ${messageOf(error)}`);
    }
  }

  function encodeState(hook: string, state: S): Uint8Array {
    try {
      return stateCodec.encode(state);
    } catch (error) {
      throw new ActorError(`${hook}: the new state does not encode (${stateCodec.name}): ${messageOf(error)}`);
    }
  }

  function decodeMessage<T>(hook: string, codec: Codec<T>, bytes: Uint8Array): T {
    try {
      return codec.decode(bytes);
    } catch (error) {
      throw new ActorError(`${hook}: the message does not decode (${codec.name}): ${messageOf(error)}`);
    }
  }

  const actor: ActorExport = {
    init(bytes, [id]) {
      return guarded('init', () => {
        let state = bytes === undefined ? definition.state(id) : decodeState('init', bytes);
        if (bytes === undefined) returned('state', state);
        if (definition.init !== undefined) state = returned('init', definition.init(state, { id }));
        return [encodeState('init', state)];
      });
    },
  };

  const messageServerClient: MessageServerClientExport = {
    handleSend(bytes, [message]) {
      const onSend = definition.onSend;
      if (onSend === undefined) return [bytes];
      return update('onSend', bytes, (state) => onSend(state, decodeMessage('onSend', sendCodec, message)));
    },
    handleRequest(bytes, [requestId, message]) {
      const onRequest = definition.onRequest;
      if (onRequest === undefined) {
        return [bytes, [encodeErrorReply<AppError>({ code: 'not-handled', message: 'this actor answers no requests' }, replyCodec)]];
      }
      let request: Req;
      try {
        request = requestCodec.decode(message);
      } catch (error) {
        const problem = `the request does not decode (${requestCodec.name}): ${messageOf(error)}`;
        return [bytes, [encodeErrorReply<AppError>({ code: 'bad-request', message: problem }, replyCodec)]];
      }
      const [state, answer] = operate('onRequest', bytes, (current) => {
        const outcome = requestOutcome(onRequest(current, request, { requestId }));
        return { state: outcome.state, rest: encodeAnswer(outcome) };
      });
      return [state, [answer]];
    },
    handleChannelOpen(bytes, [channelId, message]) {
      const onChannelOpen = definition.onChannelOpen;
      if (onChannelOpen === undefined) return [bytes, [{ accepted: definition.onChannelMessage !== undefined }]];
      let opening: Chan;
      try {
        opening = channelCodec.decode(message);
      } catch {
        // The opener hears `channel-rejected`; a malformed opening is its mistake, not a reason to fail.
        return [bytes, [{ accepted: false }]];
      }
      const [state, accepted] = operate('onChannelOpen', bytes, (current) => {
        const outcome = channelOutcome(onChannelOpen(current, opening, { channelId }));
        if (outcome.kind === 'refuse') return { state: outcome.state, rest: { accepted: false } };
        const reply = outcome.message === undefined ? undefined : guardedEncode('onChannelOpen', channelCodec, outcome.message);
        return { state: outcome.state, rest: reply === undefined ? { accepted: true } : { accepted: true, message: reply } };
      });
      return [state, [accepted]];
    },
    handleChannelMessage(bytes, [channelId, message]) {
      const onChannelMessage = definition.onChannelMessage;
      if (onChannelMessage === undefined) return [bytes];
      return update('onChannelMessage', bytes, (state) =>
        onChannelMessage(state, decodeMessage('onChannelMessage', channelCodec, message), { channelId }),
      );
    },
    handleChannelClose(bytes, [channelId]) {
      const onChannelClose = definition.onChannelClose;
      if (onChannelClose === undefined) return [bytes];
      return update('onChannelClose', bytes, (state) => onChannelClose(state, { channelId }));
    },
  };

  function encodeAnswer(outcome: AnyRequestOutcome<S>): Uint8Array | undefined {
    if (outcome.kind === 'no-reply') return undefined;
    try {
      return outcome.kind === 'reply' ? encodeReply(outcome.value, replyCodec) : encodeErrorReply(outcome.error, replyCodec);
    } catch (error) {
      throw new ActorError(
        `onRequest: the ${outcome.kind === 'reply' ? 'reply' : 'error reply'} does not encode (${replyCodec.name}): ${messageOf(error)}`,
      );
    }
  }

  const supervisorHandlers: SupervisorHandlersExport = {
    handleChildError(bytes, [childId, error]) {
      const onChildError = definition.onChildError;
      if (onChildError === undefined) return [bytes];
      const message = error.data === undefined ? undefined : utf8.decode(error.data);
      return update('onChildError', bytes, (state) => onChildError(state, { childId, type: error.errorType, message, data: error.data }));
    },
    handleChildExit(bytes, [childId, data]) {
      const onChildExit = definition.onChildExit;
      if (onChildExit === undefined) return [bytes];
      return update('onChildExit', bytes, (state) => onChildExit(state, { childId, data }));
    },
  };

  const httpHandlers: HttpHandlersExport = {
    handleRequest(bytes, [handlerId, request]) {
      const onHttpRequest = definition.onHttpRequest;
      if (onHttpRequest === undefined) return [bytes, [NOT_FOUND]];
      const [state, response] = operate('onHttpRequest', bytes, (current) => {
        const result = shaped('onHttpRequest', onHttpRequest(current, request, { handlerId }), 'response', '{ state, response }');
        return { state: result.state, rest: result.response };
      });
      return [state, [response]];
    },
    handleMiddleware(bytes, [handlerId, request]) {
      const onHttpMiddleware = definition.onHttpMiddleware;
      if (onHttpMiddleware === undefined) return [bytes, [{ proceed: true, request }]];
      const [state, result] = operate('onHttpMiddleware', bytes, (current) => {
        const outcome = shaped(
          'onHttpMiddleware',
          onHttpMiddleware(current, request, { handlerId }),
          'proceed',
          '{ state, proceed, request? }',
        );
        return { state: outcome.state, rest: { proceed: outcome.proceed, request: outcome.request ?? request } };
      });
      return [state, [result]];
    },
    handleWebsocketConnect(bytes, [handlerId, connectionId, path, query]) {
      const onWebSocketConnect = definition.onWebSocketConnect;
      if (onWebSocketConnect === undefined) return [bytes];
      return update('onWebSocketConnect', bytes, (state) => onWebSocketConnect(state, { handlerId, connectionId, path, query }));
    },
    handleWebsocketMessage(bytes, [handlerId, connectionId, message]) {
      const onWebSocketMessage = definition.onWebSocketMessage;
      if (onWebSocketMessage === undefined) return [bytes, [[]]];
      const [state, replies] = operate('onWebSocketMessage', bytes, (current) => {
        const outcome = shaped(
          'onWebSocketMessage',
          onWebSocketMessage(current, message, { handlerId, connectionId }),
          'state',
          '{ state, replies? }',
        );
        return { state: outcome.state, rest: outcome.replies ?? [] };
      });
      return [state, [replies]];
    },
    handleWebsocketDisconnect(bytes, [handlerId, connectionId]) {
      const onWebSocketDisconnect = definition.onWebSocketDisconnect;
      if (onWebSocketDisconnect === undefined) return [bytes];
      return update('onWebSocketDisconnect', bytes, (state) => onWebSocketDisconnect(state, { handlerId, connectionId }));
    },
  };

  const processHandlers: ProcessHandlersExport = {
    handleStdout(bytes, [pid, data]) {
      const onProcessStdout = definition.onProcessStdout;
      if (onProcessStdout === undefined) return [bytes];
      return update('onProcessStdout', bytes, (state) => onProcessStdout(state, data, { pid }));
    },
    handleStderr(bytes, [pid, data]) {
      const onProcessStderr = definition.onProcessStderr;
      if (onProcessStderr === undefined) return [bytes];
      return update('onProcessStderr', bytes, (state) => onProcessStderr(state, data, { pid }));
    },
    handleExit(bytes, [pid, exitCode]) {
      const onProcessExit = definition.onProcessExit;
      if (onProcessExit === undefined) return [bytes];
      return update('onProcessExit', bytes, (state) => onProcessExit(state, exitCode, { pid }));
    },
  };

  return { actor, messageServerClient, supervisorHandlers, httpHandlers, processHandlers };
}

/**
 * Runs an export's body. Any throw becomes an `ActorError`, which componentize-js returns as `err(<message>)` (the
 * kernel's `guest-error`), instead of a plain `Error` trapping the instance with its message lost.
 */
function guarded<T>(hook: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ActorError) throw error;
    throw new ActorError(`${hook} threw ${messageOf(error)}`);
  }
}

function guardedEncode<T>(hook: string, codec: Codec<T>, value: T): Uint8Array {
  try {
    return codec.encode(value);
  } catch (error) {
    throw new ActorError(`${hook}: the message does not encode (${codec.name}): ${messageOf(error)}`);
  }
}

/** A handler's new state; `undefined` is refused (a forgotten `return state` would otherwise lose the state). */
function returned<S>(hook: string, state: S): S {
  if (state === undefined) throw new ActorError(`${hook} returned undefined instead of the new state`);
  return state;
}

function requestOutcome<S, R, E>(outcome: RequestOutcome<S, R, E>): RequestOutcome<S, R, E> {
  const kind = (outcome as { kind?: unknown } | null | undefined)?.kind;
  if (kind !== 'reply' && kind !== 'error-reply' && kind !== 'no-reply') {
    throw new ActorError(
      `onRequest returned ${describeValue(outcome)}; return reply(state, value), replyError(state, error) or noReply(state)`,
    );
  }
  return { ...outcome, state: returned('onRequest', outcome.state) };
}

function channelOutcome<S, C>(outcome: ChannelOutcome<S, C>): ChannelOutcome<S, C> {
  const kind = (outcome as { kind?: unknown } | null | undefined)?.kind;
  if (kind !== 'accept' && kind !== 'refuse') {
    throw new ActorError(`onChannelOpen returned ${describeValue(outcome)}; return accept(state, message?) or refuse(state)`);
  }
  return { ...outcome, state: returned('onChannelOpen', outcome.state) };
}

/** Checks that a handler returned an object with `state` and the field `key`. */
function shaped<T extends { state: unknown }>(hook: string, result: T, key: keyof T & string, expected: string): T {
  if (result === null || typeof result !== 'object' || !(key in result)) {
    throw new ActorError(`${hook} returned ${describeValue(result)}; return ${expected}`);
  }
  returned(hook, result.state);
  return result;
}
