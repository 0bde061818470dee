import { describe, expect, it } from 'vitest';
import {
  accept,
  ActorError,
  bytesCodec,
  defineActor,
  noReply,
  refuse,
  reply,
  replyError,
  textCodec,
  type DefinedActor,
  type WitState,
} from '../src/guest.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: WitState): string => new TextDecoder().decode(bytes);
const json = (value: unknown): Uint8Array => utf8(JSON.stringify(value));

type Command = { add: string } | { fail: string } | { bug: true } | { forget: true };
type Query = { count: true } | { get: number } | { later: true } | { wrong: true };

const notes = defineActor({
  state: (id) => ({ owner: id, notes: [] as string[] }),
  init: (state, { id }) => ({ ...state, owner: id }),
  onSend(state, command: Command) {
    if ('fail' in command) throw new ActorError(command.fail);
    if ('bug' in command) return (undefined as unknown as { notes: string[] }).notes.length as never;
    if ('forget' in command) return undefined as never;
    return { ...state, notes: [...state.notes, command.add] };
  },
  onRequest(state, query: Query) {
    if ('count' in query) return reply(state, { count: state.notes.length });
    if ('later' in query) return noReply(state);
    if ('wrong' in query) return state.notes.length as never;
    const note = state.notes[query.get];
    return note === undefined
      ? replyError({ ...state, notes: [...state.notes, 'asked'] }, { code: 'not-found', message: `no note ${query.get}` })
      : reply(state, note);
  },
});

/** Runs an export and returns the ActorError it threw. */
function failure(run: () => unknown): ActorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ActorError);
    return error as ActorError;
  }
  throw new Error('expected an ActorError');
}

function started(defined: DefinedActor = notes, initial?: Uint8Array): WitState {
  return defined.actor.init(initial, ['actor-1'])[0];
}

describe('defineActor', () => {
  it('returns exactly the five export objects, whatever the definition holds', () => {
    expect(Object.keys(defineActor({ state: () => null })).sort()).toEqual([
      'actor',
      'httpHandlers',
      'messageServerClient',
      'processHandlers',
      'supervisorHandlers',
    ]);
  });

  it('starts from the state factory, then runs init with the actor id', () => {
    expect(JSON.parse(text(started()))).toEqual({ owner: 'actor-1', notes: [] });
  });

  it('starts from a state it is given (init_state, restart) instead of the factory', () => {
    expect(JSON.parse(text(started(notes, json({ owner: 'x', notes: ['kept'] }))))).toEqual({ owner: 'actor-1', notes: ['kept'] });
  });

  it('fails with a clear message when the state does not decode', () => {
    expect(failure(() => started(notes, utf8('not json'))).message).toMatch(/^init: the state does not decode \(json\): SyntaxError: /u);
    expect(failure(() => notes.messageServerClient.handleSend(utf8('{'), [json({ add: 'a' })])).message).toMatch(
      /^onSend: the state does not decode \(json\)/u,
    );
  });

  it('commits the state a send handler returns', () => {
    let state = started();
    [state] = notes.messageServerClient.handleSend(state, [json({ add: 'milk' })]);
    [state] = notes.messageServerClient.handleSend(state, [json({ add: 'eggs' })]);
    expect(JSON.parse(text(state))).toEqual({ owner: 'actor-1', notes: ['milk', 'eggs'] });
  });

  it('answers a request with the value in the reply envelope, keeping the state', () => {
    const [state] = notes.messageServerClient.handleSend(started(), [json({ add: 'milk' })]);
    const [after, [answer]] = notes.messageServerClient.handleRequest(state, ['r1', json({ count: true })]);
    expect(text(answer)).toBe('{"ok":{"count":1}}');
    expect(text(after)).toBe(text(state));
  });

  it('answers with an error reply, which is no failure: its state is committed', () => {
    const [after, [answer]] = notes.messageServerClient.handleRequest(started(), ['r1', json({ get: 4 })]);
    expect(JSON.parse(text(answer))).toEqual({ error: { code: 'not-found', message: 'no note 4' } });
    expect(JSON.parse(text(after)).notes).toEqual(['asked']);
  });

  it('leaves a deferred request unanswered', () => {
    const state = started();
    expect(notes.messageServerClient.handleRequest(state, ['r1', json({ later: true })])).toEqual([state, [undefined]]);
  });

  it('answers a request that does not decode with the error reply bad-request, without calling onRequest', () => {
    const state = started();
    const [after, [answer]] = notes.messageServerClient.handleRequest(state, ['r1', utf8('count')]);
    expect(after).toBe(state);
    const { error } = JSON.parse(text(answer)) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(/^the request does not decode \(json\): SyntaxError/u);
  });

  it('answers requests with not-handled when there is no onRequest', () => {
    const silent = defineActor({ state: () => 0 });
    expect(text(silent.messageServerClient.handleRequest(started(silent), ['r1', utf8('x')])[1][0])).toBe(
      '{"error":{"code":"not-handled","message":"this actor answers no requests"}}',
    );
  });

  it('fails when a handler throws an ActorError, with its message as it is', () => {
    expect(failure(() => notes.messageServerClient.handleSend(started(), [json({ fail: 'out of paper' })])).message).toBe('out of paper');
  });

  it('turns any other throw into an ActorError naming the handler, so it is reported instead of trapping', () => {
    const error = failure(() => notes.messageServerClient.handleSend(started(), [json({ bug: true })]));
    expect(error.message).toMatch(/^onSend threw TypeError: /u);
    expect(error.payload).toBe(error.message);
  });

  it('fails when a handler returns no state or a request outcome of the wrong shape', () => {
    expect(failure(() => notes.messageServerClient.handleSend(started(), [json({ forget: true })])).message).toBe(
      'onSend returned undefined instead of the new state',
    );
    expect(failure(() => notes.messageServerClient.handleRequest(started(), ['r1', json({ wrong: true })])).message).toBe(
      'onRequest returned number 0; return reply(state, value), replyError(state, error) or noReply(state)',
    );
  });

  it('fails when a sent message does not decode', () => {
    expect(failure(() => notes.messageServerClient.handleSend(started(), [utf8('add milk')])).message).toMatch(
      /^onSend: the message does not decode \(json\): SyntaxError/u,
    );
  });

  it('fails when the new state cannot be encoded', () => {
    const bigints = defineActor({ state: () => ({ n: 0 as unknown }), onSend: () => ({ n: 1n as unknown }) });
    expect(failure(() => bigints.messageServerClient.handleSend(started(bigints), [json(1)])).message).toMatch(
      /^onSend: the new state does not encode \(json\): TypeError/u,
    );
  });

  it('takes text and bytes codecs, replying in the ok:/error: framing', () => {
    const echo = defineActor({
      state: () => new Uint8Array(),
      codecs: { state: bytesCodec, send: bytesCodec, request: textCodec, reply: textCodec },
      onSend: (_state, bytes) => bytes,
      onRequest: (state, question) =>
        question === '' ? replyError(state, { code: 'empty', message: 'ask something' }) : reply(state, `${question}?`),
    });
    const [state] = echo.messageServerClient.handleSend(started(echo), [new Uint8Array([0, 255])]);
    expect(state).toEqual(new Uint8Array([0, 255]));
    expect(text(echo.messageServerClient.handleRequest(state, ['r', utf8('why')])[1][0])).toBe('ok:why?');
    expect(text(echo.messageServerClient.handleRequest(state, ['r', utf8('')])[1][0])).toBe(
      'error:{"code":"empty","message":"ask something"}',
    );
  });

  it('passes the request id to onRequest, for answering later', () => {
    const waiting = defineActor({
      state: () => [] as string[],
      onRequest: (ids, _request: unknown, { requestId }) => noReply([...ids, requestId]),
    });
    expect(text(waiting.messageServerClient.handleRequest(started(waiting), ['req-7', json(null)])[0])).toBe('["req-7"]');
  });
});

describe('defineActor channels', () => {
  it('refuses channels when the actor handles no channel messages', () => {
    expect(notes.messageServerClient.handleChannelOpen(started(), ['c1', json('hi')])[1]).toEqual([{ accepted: false }]);
  });

  it('accepts channels by default when it handles channel messages, and delivers them', () => {
    const listener = defineActor({
      state: () => [] as string[],
      onChannelMessage: (heard, message: string, { channelId }) => [...heard, `${channelId}:${message}`],
      onChannelClose: (heard, { channelId }) => [...heard, `${channelId} closed`],
    });
    let state = started(listener);
    expect(listener.messageServerClient.handleChannelOpen(state, ['c1', json('hi')])).toEqual([state, [{ accepted: true }]]);
    [state] = listener.messageServerClient.handleChannelMessage(state, ['c1', json('hello')]);
    [state] = listener.messageServerClient.handleChannelClose(state, ['c1']);
    expect(JSON.parse(text(state))).toEqual(['c1:hello', 'c1 closed']);
  });

  it('accepts with a first message, or refuses, as onChannelOpen says; a malformed opening is refused', () => {
    const doorman = defineActor({
      state: () => 0,
      onChannelOpen: (opened, hello: string) => (hello === 'knock' ? accept(opened + 1, 'come in') : refuse(opened)),
    });
    const state = started(doorman);
    const [after, [accepted]] = doorman.messageServerClient.handleChannelOpen(state, ['c1', json('knock')]);
    expect(text(after)).toBe('1');
    expect(accepted.accepted).toBe(true);
    expect(text(accepted.message)).toBe('"come in"');
    expect(doorman.messageServerClient.handleChannelOpen(state, ['c2', json('shout')])[1]).toEqual([{ accepted: false }]);
    expect(doorman.messageServerClient.handleChannelOpen(state, ['c3', utf8('knock')])).toEqual([state, [{ accepted: false }]]);
  });
});

describe('defineActor defaults for the other interfaces', () => {
  const plain = defineActor({ state: () => ({ n: 1 }) });
  const state = started(plain);
  const request = { method: 'GET', uri: '/x', headers: [] as Array<[string, string]> };

  it('ignores sends, child reports and process output, leaving the state as it is', () => {
    expect(plain.messageServerClient.handleSend(state, [utf8('anything, even not JSON')])).toEqual([state]);
    expect(plain.supervisorHandlers.handleChildError(state, ['child', { errorType: 'trap' }])).toEqual([state]);
    expect(plain.supervisorHandlers.handleChildExit(state, ['child', undefined])).toEqual([state]);
    expect(plain.processHandlers.handleStdout(state, [1n, utf8('out')])).toEqual([state]);
    expect(plain.processHandlers.handleStderr(state, [1n, utf8('err')])).toEqual([state]);
    expect(plain.processHandlers.handleExit(state, [1n, 0])).toEqual([state]);
  });

  it('answers HTTP with 404, lets middleware proceed and sends no WebSocket replies', () => {
    const [, [response]] = plain.httpHandlers.handleRequest(state, [1n, request]);
    expect(response.status).toBe(404);
    expect(plain.httpHandlers.handleMiddleware(state, [1n, request])).toEqual([state, [{ proceed: true, request }]]);
    expect(plain.httpHandlers.handleWebsocketConnect(state, [1n, 2n, '/ws', undefined])).toEqual([state]);
    expect(plain.httpHandlers.handleWebsocketMessage(state, [1n, 2n, { ty: { tag: 'text' }, text: 'hi' }])).toEqual([state, [[]]]);
    expect(plain.httpHandlers.handleWebsocketDisconnect(state, [1n, 2n])).toEqual([state]);
  });

  it('hands a child error to onChildError with its type and message', () => {
    const watcher = defineActor({
      state: () => [] as string[],
      onChildError: (seen, { childId, type, message }) => [...seen, `${childId} ${type} ${message}`],
      onChildExit: (seen, { childId, data }) => [...seen, `${childId} exit ${text(data)}`],
    });
    let seen = started(watcher);
    [seen] = watcher.supervisorHandlers.handleChildError(seen, ['c1', { errorType: 'guest-error', data: utf8('boom') }]);
    [seen] = watcher.supervisorHandlers.handleChildExit(seen, ['c1', utf8('bye')]);
    expect(JSON.parse(text(seen))).toEqual(['c1 guest-error boom', 'c1 exit bye']);
  });

  it('routes HTTP, middleware, WebSocket and process calls to their handlers', () => {
    const server = defineActor({
      state: () => ({ hits: 0, log: [] as string[] }),
      onHttpRequest: (s, req) => ({ state: { ...s, hits: s.hits + 1 }, response: { status: 200, headers: [], body: utf8(req.uri) } }),
      onHttpMiddleware: (s, req) => ({ state: s, proceed: req.uri !== '/private' }),
      onWebSocketMessage: (s, message) => ({ state: s, replies: [message, message] }),
      onProcessExit: (s, code, { pid }) => ({ ...s, log: [...s.log, `${pid} exited ${code}`] }),
    });
    let s = started(server);
    const [afterRequest, [response]] = server.httpHandlers.handleRequest(s, [1n, request]);
    expect(response).toEqual({ status: 200, headers: [], body: utf8('/x') });
    expect(server.httpHandlers.handleMiddleware(afterRequest, [1n, { ...request, uri: '/private' }])[1][0].proceed).toBe(false);
    const message = { ty: { tag: 'text' as const }, text: 'hi' };
    expect(server.httpHandlers.handleWebsocketMessage(afterRequest, [1n, 2n, message])[1]).toEqual([[message, message]]);
    [s] = server.processHandlers.handleExit(afterRequest, [9n, 3]);
    expect(JSON.parse(text(s))).toEqual({ hits: 1, log: ['9 exited 3'] });
  });

  it('fails when an HTTP handler returns something other than { state, response }', () => {
    const broken = defineActor({ state: () => 0, onHttpRequest: () => 404 as never });
    expect(failure(() => broken.httpHandlers.handleRequest(started(broken), [1n, request])).message).toBe(
      'onHttpRequest returned number 404; return { state, response }',
    );
  });
});
