/**
 * webserver (world webserver-actor, see capability-wit/): serves HTTP and WebSockets through `http-framework`.
 *
 * init creates server 1 on the default host and ephemeral port (not started) with these routes:
 * - `GET /hello` → `hello`; `GET /items/:id` → `item <id>`; `POST /echo` → the body, with its content type;
 * - `GET /hit/:n` → `hit <n>`, counting hits in the state; `GET /whoami` and `GET /private/whoami` → the request as
 *   the actor saw it (JSON); `ANY /any/*` → `<method> <uri>`;
 * - `GET /fail` → the guest error `requested failure` (the actor fails); `GET /bad-status` → status 1000 and
 *   `GET /bad-header` → a header named `bad header` (both invalid responses);
 * - middleware `guard` on `/private`: refuses unless the request has `x-token: secret`, and adds `x-checked: yes`;
 * - WebSockets on `/ws` and `/private/ws`: connect and disconnect are logged in the state's `events`; a text message
 *   `many` is answered with `one`, `two`, `three`, `bye` with a close, anything else with `echo:<text>` (binary
 *   messages are echoed as binary).
 *
 * Text requests drive it; the reply is the result (`ok`, a value, or `error:<message>` for a host err). `[server]`
 * defaults to server 1:
 * `start [server]` (the port), `stop [server]`, `destroy [server]`, `info [server]` (JSON), `port`, `hits`, `events`
 * (JSON), `create <host|-> [port]`, `tls`, `handler <name>`, `route <method> <path> <handler-name> [server]`,
 * `unroute <route>`, `guard <path> [server]`, `unguard <middleware>`, `ws <path> [server]`, `send <conn> <text>`,
 * `sendbin <conn> <text>`, `close <conn>` (on server 1).
 */
import type * as Actor from 'theater:simple/actor';
import type * as HttpHandlers from 'theater:simple/http-handlers';
import {
  addMiddleware,
  addRoute,
  closeWebsocket,
  createServer,
  destroyServer,
  enableWebsocket,
  getServerInfo,
  registerHandler,
  removeMiddleware,
  removeRoute,
  sendWebsocketMessage,
  startServer,
  stopServer,
} from 'theater:simple/http-framework';
import type { HttpRequest, HttpResponse } from 'theater:simple/http-types';
import type { WebsocketMessage } from 'theater:simple/websocket-types';
import { ActorError, decodeJson, encodeJson, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { statefulCommandServer } from './shared/commandActor.js';

interface WebState {
  server: number;
  port: number;
  /** Handler ids by name. */
  handlers: Record<string, number>;
  hits: number;
  events: string[];
}

const HANDLER_NAMES = [
  'hello',
  'item',
  'echo',
  'hit',
  'whoami',
  'any',
  'fail',
  'bad-status',
  'bad-header',
  'guard',
  'connect',
  'message',
  'disconnect',
] as const;

function read(state: Uint8Array | undefined): WebState {
  return decodeJson<WebState>(state, { server: 0, port: 0, handlers: {}, hits: 0, events: [] });
}

function nameOf(web: WebState, id: bigint): string {
  return Object.entries(web.handlers).find(([, value]) => BigInt(value) === id)?.[0] ?? 'unknown';
}

function respond(status: number, body: string, headers: Array<[string, string]> = [['content-type', 'text/plain']]): HttpResponse {
  return { status, headers, body: encodeText(body) };
}

function segments(uri: string): string[] {
  return (uri.split('?')[0] ?? '').split('/');
}

function setUp(web: WebState): WebState {
  const server = createServer({});
  const handlers: Record<string, number> = {};
  for (const name of HANDLER_NAMES) handlers[name] = Number(registerHandler(name));
  const h = (name: string): bigint => BigInt(handlers[name] ?? 0);
  addRoute(server, '/hello', 'GET', h('hello'));
  addRoute(server, '/items/:id', 'GET', h('item'));
  addRoute(server, '/echo', 'POST', h('echo'));
  addRoute(server, '/hit/:n', 'GET', h('hit'));
  addRoute(server, '/whoami', 'GET', h('whoami'));
  addRoute(server, '/private/whoami', 'GET', h('whoami'));
  addRoute(server, '/any/*', 'ANY', h('any'));
  addRoute(server, '/fail', 'GET', h('fail'));
  addRoute(server, '/bad-status', 'GET', h('bad-status'));
  addRoute(server, '/bad-header', 'GET', h('bad-header'));
  addMiddleware(server, '/private', h('guard'));
  enableWebsocket(server, '/ws', h('connect'), h('message'), h('disconnect'));
  enableWebsocket(server, '/private/ws', h('connect'), h('message'), h('disconnect'));
  return { ...web, server: Number(server), handlers };
}

function serve(web: WebState, name: string, request: HttpRequest): [WebState, HttpResponse] {
  switch (name) {
    case 'hello':
      return [web, respond(200, 'hello')];
    case 'item':
      return [web, respond(200, `item ${segments(request.uri)[2] ?? ''}`)];
    case 'echo': {
      const type = request.headers.find(([header]) => header === 'content-type')?.[1] ?? 'application/octet-stream';
      const body = request.body ?? new Uint8Array();
      return [
        web,
        {
          status: 200,
          headers: [
            ['content-type', type],
            ['x-body-length', String(body.byteLength)],
          ],
          body,
        },
      ];
    }
    case 'hit':
      return [{ ...web, hits: web.hits + 1 }, respond(200, `hit ${segments(request.uri)[2] ?? ''}`)];
    case 'whoami':
      return [
        web,
        respond(200, JSON.stringify({ method: request.method, uri: request.uri, headers: request.headers }), [
          ['content-type', 'application/json'],
        ]),
      ];
    case 'any':
      return [web, respond(200, `${request.method} ${request.uri}`)];
    case 'fail':
      throw new ActorError('requested failure');
    case 'bad-status':
      return [web, respond(1000, 'no such status')];
    case 'bad-header':
      return [web, respond(200, 'bad', [['bad header', 'x']])];
    default:
      return [web, respond(500, `no handler ${name}`)];
  }
}

function reply(message: WebsocketMessage): WebsocketMessage[] {
  if (message.ty.tag === 'binary') return [{ ty: { tag: 'binary' }, data: message.data ?? new Uint8Array() }];
  const text = message.text ?? '';
  if (text === 'many')
    return [
      { ty: { tag: 'text' }, text: 'one' },
      { ty: { tag: 'text' }, text: 'two' },
      { ty: { tag: 'text' }, text: 'three' },
    ];
  if (text === 'bye') return [{ ty: { tag: 'close' } }];
  return [{ ty: { tag: 'text' }, text: `echo:${text}` }];
}

function serverArg(web: WebState, value: string | undefined): bigint {
  return BigInt(value === undefined || value === '' ? web.server : value);
}

function command(web: WebState, text: string): [WebState, string] {
  const [verb = '', ...args] = text.split(' ');
  const [a, b, c, d] = args;
  switch (verb) {
    case 'start': {
      let port = web.port;
      const result = attempt(() => {
        port = startServer(serverArg(web, a));
        return String(port);
      });
      return [a === undefined ? { ...web, port } : web, result];
    }
    case 'stop':
      return [web, attempt(() => (stopServer(serverArg(web, a)), 'ok'))];
    case 'destroy':
      return [web, attempt(() => (destroyServer(serverArg(web, a)), 'ok'))];
    case 'info':
      return [web, attempt(() => JSON.stringify({ ...getServerInfo(serverArg(web, a)), id: Number(serverArg(web, a)) }))];
    case 'port':
      return [web, String(web.port)];
    case 'hits':
      return [web, String(web.hits)];
    case 'events':
      return [web, JSON.stringify(web.events)];
    case 'create':
      return [
        web,
        attempt(() =>
          String(createServer({ ...(a === undefined || a === '-' ? {} : { host: a }), ...(b === undefined ? {} : { port: Number(b) }) })),
        ),
      ];
    case 'tls':
      return [web, attempt(() => String(createServer({ tlsConfig: { certPath: 'cert.pem', keyPath: 'key.pem' } })))];
    case 'handler':
      return [web, attempt(() => String(registerHandler(a ?? '')))];
    case 'route':
      return [web, attempt(() => String(addRoute(serverArg(web, d), b ?? '', a ?? '', BigInt(web.handlers[c ?? ''] ?? 999))))];
    case 'unroute':
      return [web, attempt(() => (removeRoute(BigInt(a ?? '0')), 'ok'))];
    case 'guard':
      return [web, attempt(() => String(addMiddleware(serverArg(web, b), a ?? '', BigInt(web.handlers['guard'] ?? 0))))];
    case 'unguard':
      return [web, attempt(() => (removeMiddleware(BigInt(a ?? '0')), 'ok'))];
    case 'ws': {
      const h = (name: string): bigint => BigInt(web.handlers[name] ?? 0);
      return [web, attempt(() => (enableWebsocket(serverArg(web, b), a ?? '', h('connect'), h('message'), h('disconnect')), 'ok'))];
    }
    case 'send':
      return [
        web,
        attempt(
          () => (sendWebsocketMessage(BigInt(web.server), BigInt(a ?? '0'), { ty: { tag: 'text' }, text: args.slice(1).join(' ') }), 'ok'),
        ),
      ];
    case 'sendbin':
      return [
        web,
        attempt(
          () => (
            sendWebsocketMessage(BigInt(web.server), BigInt(a ?? '0'), {
              ty: { tag: 'binary' },
              data: encodeText(args.slice(1).join(' ')),
            }),
            'ok'
          ),
        ),
      ];
    case 'close':
      return [web, attempt(() => (closeWebsocket(BigInt(web.server), BigInt(a ?? '0')), 'ok'))];
    default:
      return [web, `unknown command ${verb}`];
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [encodeJson(setUp(read(state)))];
  },
};

export const httpHandlers: typeof HttpHandlers = {
  handleRequest(state, [handlerId, request]) {
    const web = read(state);
    const [next, response] = serve(web, nameOf(web, handlerId), request);
    return [next === web ? state : encodeJson(next), [response]];
  },
  handleMiddleware(state, [, request]) {
    const allowed = request.headers.some(([name, value]) => name === 'x-token' && value === 'secret');
    return [state, [{ proceed: allowed, request: { ...request, headers: [...request.headers, ['x-checked', 'yes']] } }]];
  },
  handleWebsocketConnect(state, [, connection, path, query]) {
    const web = read(state);
    return [encodeJson({ ...web, events: [...web.events, `connect ${connection} ${path} ${query ?? '-'}`] })];
  },
  handleWebsocketMessage(state, [, , message]) {
    return [state, [reply(message)]];
  },
  handleWebsocketDisconnect(state, [, connection]) {
    const web = read(state);
    return [encodeJson({ ...web, events: [...web.events, `disconnect ${connection}`] })];
  },
};

export const messageServerClient = statefulCommandServer((state, text) => {
  const web = read(state);
  const [next, result] = command(web, text);
  return [next === web ? state : encodeJson(next), result];
});
