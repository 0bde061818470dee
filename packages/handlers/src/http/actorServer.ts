/**
 * One HTTP server of an actor (`http-framework`): a node:http listener on a loopback address whose requests pass
 * through the actor's middleware and routes, each step a call of the actor's `http-handlers` export queued in its
 * mailbox, and WebSocket upgrades (the `ws` package, `noServer`) whose connections forward every message into the
 * actor and send back what it returns. The actor's failures and refusals become HTTP statuses here, never a throw
 * into the kernel: a failed call or an invalid response is 500, an actor that is not running or has a full mailbox
 * is 503 with `Retry-After`.
 *
 * What waits to be written to a WebSocket client is bounded: a client that does not read would otherwise make ws
 * buffer every reply and every `send-websocket-message` without limit. Past {@link SEND_BUFFER_FACTOR} ×
 * `max_request_bytes` the connection is closed (1008). An HTTP response needs no such bound: the actor returns it whole
 * and it is written once, and node:http stops reading a connection's pipelined requests while its responses wait.
 */
import { once } from 'node:events';
import { createServer, validateHeaderName, validateHeaderValue, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { HostCallError, isKernelError, type HostInterfaces } from '@theater/kernel';
import { covers, isToken, matches, pathOf, queryOf, route, type PathPattern, type RouteMethod } from './router.js';
import { concatBytes, headerPairs } from './wire.js';

type Framework = HostInterfaces['theater:simple/http-framework'];
/** The WIT `server-info` record. */
export type ServerInfo = Awaited<ReturnType<Framework['getServerInfo']>>;
/** The WIT `websocket-message` record. */
export type WebsocketMessage = Parameters<Framework['sendWebsocketMessage']>[2];

/** The WIT `http-request` record. */
export interface HttpRequest {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

/** How a server reaches the actor it belongs to. */
export interface ActorDispatch {
  /** Queues a call of `theater:simple/http-handlers#fn`; rejects with a KernelError when the actor refuses it. */
  call(fn: string, params: readonly unknown[]): Promise<unknown>;
  /** An actor log line. */
  log(message: string): void;
  /** A fresh connection id, unique among the actor's servers. */
  nextConnectionId(): bigint;
}

/** What a server is created with. */
export interface ActorServerOptions {
  readonly id: bigint;
  /** The address to bind (a loopback address). */
  readonly bindAddress: string;
  /** The host as the actor named it, reported by `get-server-info`. */
  readonly host: string;
  /** The port to bind; 0 for an ephemeral one. */
  readonly port: number;
  readonly maxRequestBytes: number;
  readonly dispatch: ActorDispatch;
}

interface Route {
  readonly id: bigint;
  readonly pattern: PathPattern;
  readonly method: RouteMethod;
  readonly handlerId: bigint;
}

interface Middleware {
  readonly id: bigint;
  readonly pattern: PathPattern;
  readonly handlerId: bigint;
}

/** The actor's handlers of one WebSocket path. */
export interface WebSocketHandlers {
  readonly connect: bigint | undefined;
  readonly message: bigint;
  readonly disconnect: bigint | undefined;
}

interface WebSocketRoute extends WebSocketHandlers {
  readonly pattern: PathPattern;
}

interface Connection {
  readonly id: bigint;
  readonly socket: WebSocket;
  readonly handlers: WebSocketHandlers;
  /** Settles once every reply to the messages received so far has been sent, in order. */
  replies: Promise<void>;
  /** Why the server closed it for not reading (set once it has). */
  stalled?: string;
}

/** Why an exchange ends with an error status (the message is the response body). */
class Refusal extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** Framing is the server's: the body it writes decides these. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding']);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** A connection may have this many times `max_request_bytes` waiting to be written to its client: four full messages. */
const SEND_BUFFER_FACTOR = 4;
/**
 * 1008 (policy violation): the client broke the server's rule that it must read. (1013, "try again later", is kept for
 * an actor that is busy, which is not the client's doing.)
 */
const NOT_READING_CODE = 1008;
/**
 * How long a client closed for not reading has to take the close frame (queued behind what it has not read) before
 * the connection is dropped; ws alone would wait 30 s for the closing handshake, holding the buffer all along.
 */
const NOT_READING_GRACE_MS = 2000;

/** One server of one actor; created stopped. */
export class ActorServer {
  readonly id: bigint;
  readonly #options: ActorServerOptions;
  readonly #routes = new Map<bigint, Route>();
  readonly #middleware = new Map<bigint, Middleware>();
  readonly #websockets = new Map<string, WebSocketRoute>();
  readonly #connections = new Map<bigint, Connection>();
  /** Sockets between `upgrade` and the WebSocket handshake (node:http no longer tracks them). */
  readonly #upgrading = new Set<Duplex>();
  readonly #wss: WebSocketServer;
  #server: Server | undefined;
  #port: number;
  #disposed = false;

  constructor(options: ActorServerOptions) {
    this.id = options.id;
    this.#options = options;
    this.#port = options.port;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxRequestBytes });
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  info(): ServerInfo {
    return {
      id: this.id,
      port: this.#port,
      host: this.#options.host,
      running: this.running,
      routesCount: this.#routes.size,
      middlewareCount: this.#middleware.size,
      websocketEnabled: this.#websockets.size > 0,
    };
  }

  /** Listens (if not already) and returns the bound port. */
  async start(): Promise<number> {
    if (this.#disposed) throw new HostCallError(`server ${this.id} has been destroyed`);
    if (this.#server !== undefined) return this.#port;
    const server = createServer((request, response) => void this.#serve(request, response));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.#upgrade(request, socket, head));
    const { bindAddress } = this.#options;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: bindAddress, port: this.#options.port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${bindAddress}:${this.#options.port}`;
      throw new HostCallError(code === 'EADDRINUSE' ? `${where} is already in use` : `cannot listen on ${where}: ${String(error)}`);
    }
    // Stopped for good while it was binding (the actor ended): do not leave it listening.
    if (this.#disposed) {
      server.close();
      throw new HostCallError(`server ${this.id} has been destroyed`);
    }
    server.on('error', (error) => this.#options.dispatch.log(`http-framework: server ${this.id}: ${String(error)}`));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    return this.#port;
  }

  /** Stops listening and closes every connection, HTTP and WebSocket; requests in progress are abandoned. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    for (const socket of this.#upgrading) socket.destroy();
    this.#upgrading.clear();
    for (const connection of this.#connections.values()) connection.socket.terminate();
    await closed;
  }

  /** Stops the server for good. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.stop();
    this.#wss.close();
  }

  addRoute(id: bigint, pattern: PathPattern, method: RouteMethod, handlerId: bigint): void {
    this.#routes.set(id, { id, pattern, method, handlerId });
  }

  /** Removes route `id`; false when this server has none. */
  removeRoute(id: bigint): boolean {
    return this.#routes.delete(id);
  }

  addMiddleware(id: bigint, pattern: PathPattern, handlerId: bigint): void {
    this.#middleware.set(id, { id, pattern, handlerId });
  }

  /** Removes middleware `id`; false when this server has none. */
  removeMiddleware(id: bigint): boolean {
    return this.#middleware.delete(id);
  }

  /** Serves WebSockets on `pattern` (replacing the handlers of the same path). */
  enableWebsocket(pattern: PathPattern, handlers: WebSocketHandlers): void {
    this.#websockets.set(pattern.source, { pattern, ...handlers });
  }

  /**
   * Sends `message` on connection `id` of this server. It returns once the message is queued, not written: a client
   * that does not read must not block the actor. Past the send buffer limit the connection is closed and this is an err.
   */
  send(id: bigint, message: WebsocketMessage): void {
    const connection = this.#openConnection(id);
    const stalled = this.#admit(connection, message);
    if (stalled !== undefined) throw new HostCallError(stalled);
    transmit(connection.socket, message, (error) =>
      this.#options.dispatch.log(`http-framework: WebSocket connection ${id}: a message was not sent: ${messageOf(error)}`),
    );
  }

  /** Starts closing connection `id` (normal closure); its disconnect handler runs once it has closed. */
  closeConnection(id: bigint): void {
    this.#openConnection(id).socket.close(1000);
  }

  #openConnection(id: bigint): Connection {
    const connection = this.#connections.get(id);
    if (connection === undefined) throw new HostCallError(`server ${this.id} has no WebSocket connection ${id}`);
    if (connection.socket.readyState !== connection.socket.OPEN) {
      throw new HostCallError(`WebSocket connection ${id} is closing${connection.stalled === undefined ? '' : ` (${connection.stalled})`}`);
    }
    return connection;
  }

  /**
   * Whether `message` may be queued on `connection`: not if what is waiting for the client plus the message would pass
   * the limit, in which case the connection is closed and the reason returned. With nothing waiting, any message may
   * go (one larger than the limit included), so a client that reads is never refused; a close frame always may.
   */
  #admit(connection: Connection, message: WebsocketMessage): string | undefined {
    if (message.ty.tag === 'close') return undefined;
    const { socket } = connection;
    const waiting = socket.bufferedAmount;
    const limit = SEND_BUFFER_FACTOR * this.#options.maxRequestBytes;
    const size = sizeOf(message);
    if (waiting === 0 || waiting + size <= limit) return undefined;
    const problem = `connection ${connection.id} of server ${this.id} is not reading: ${waiting + size} bytes would be waiting (at most ${limit})`;
    connection.stalled = problem;
    this.#options.dispatch.log(`http-framework: ${problem}; closed with ${NOT_READING_CODE}`);
    socket.close(NOT_READING_CODE, 'not reading: too much data is waiting');
    // The close frame waits behind the unread data: a client that still does not read is dropped (its close event,
    // and so the actor's disconnect handler, follow).
    const drop = setTimeout(() => socket.terminate(), NOT_READING_GRACE_MS);
    drop.unref();
    socket.once('close', () => clearTimeout(drop));
    return problem;
  }

  async #serve(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const uri = originForm(incoming.url);
      const body = await readBody(incoming, this.#options.maxRequestBytes);
      const request: HttpRequest = {
        method: incoming.method ?? 'GET',
        uri,
        headers: headerPairs(incoming.rawHeaders),
        ...(body === undefined ? {} : { body }),
      };
      const passed = await this.#runMiddleware(request);
      const match = route(this.#routes.values(), passed.method, pathOf(passed.uri));
      if (match.kind === 'not-found') throw new Refusal(404, 'not found');
      if (match.kind === 'method-not-allowed') throw new Refusal(405, 'method not allowed', { allow: match.allowed.join(', ') });
      const output = await this.#call('handle-request', [match.route.handlerId, passed], passed);
      const problem = writeResponse(response, first(output));
      if (problem !== undefined) {
        this.#options.dispatch.log(
          `http-framework: ${passed.method} ${passed.uri}: the actor's response is invalid (${problem}); answered 500`,
        );
        throw new Refusal(500, 'internal server error');
      }
    } catch (error) {
      // A client that went away (or a server stopped under the request) is nobody's error.
      if (response.destroyed) return;
      const refusal = error instanceof Refusal ? error : new Refusal(500, 'internal server error');
      if (!(error instanceof Refusal)) this.#options.dispatch.log(`http-framework: ${incoming.method} ${incoming.url}: ${String(error)}`);
      respondWith(response, refusal);
    }
  }

  /** Runs the middleware covering the request's path, in registration order; each returns the request to go on with. */
  async #runMiddleware(request: HttpRequest): Promise<HttpRequest> {
    const path = pathOf(request.uri);
    let current = request;
    for (const middleware of [...this.#middleware.values()]) {
      if (!covers(middleware.pattern, path)) continue;
      const result = first(await this.#call('handle-middleware', [middleware.handlerId, current], current));
      const problem = middlewareProblem(result);
      if (problem !== undefined) {
        this.#options.dispatch.log(
          `http-framework: ${current.method} ${current.uri}: middleware ${middleware.id} returned an invalid result (${problem}); answered 500`,
        );
        throw new Refusal(500, 'internal server error');
      }
      const { proceed, request: next } = result as { proceed: boolean; request: HttpRequest };
      if (!proceed) throw new Refusal(403, 'forbidden');
      current = next;
    }
    return current;
  }

  /** Calls the actor, turning its refusal or failure into a {@link Refusal}. */
  async #call(fn: string, params: readonly unknown[], request: HttpRequest): Promise<unknown> {
    try {
      return await this.#options.dispatch.call(fn, params);
    } catch (error) {
      if (isKernelError(error, 'actor-not-running') || isKernelError(error, 'mailbox-full')) {
        throw new Refusal(503, 'service unavailable', { 'retry-after': '1' });
      }
      this.#options.dispatch.log(`http-framework: ${request.method} ${request.uri}: ${fn} failed: ${messageOf(error)}; answered 500`);
      throw new Refusal(500, 'internal server error');
    }
  }

  async #upgrade(incoming: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.#upgrading.add(socket);
    // ws answers an invalid handshake itself (400) and never calls back, and a client may go away during middleware:
    // either way the socket must leave the set, or every such upgrade would stay in memory until the server stops.
    socket.once('close', () => this.#upgrading.delete(socket));
    socket.on('error', () => socket.destroy());
    try {
      const uri = originForm(incoming.url);
      const path = pathOf(uri);
      const target = [...this.#websockets.values()].find((candidate) => matches(candidate.pattern, path));
      if (target === undefined) throw new Refusal(404, 'not found');
      // Middleware guards upgrades as it guards requests; the request it returns is not used for a handshake.
      await this.#runMiddleware({ method: incoming.method ?? 'GET', uri, headers: headerPairs(incoming.rawHeaders) });
      if (!this.#upgrading.has(socket) || socket.destroyed) return;
      this.#wss.handleUpgrade(incoming, socket, head, (ws) => {
        this.#upgrading.delete(socket);
        if (this.#server === undefined) {
          ws.terminate();
          return;
        }
        this.#accept(ws, target, path, queryOf(uri));
      });
    } catch (error) {
      this.#upgrading.delete(socket);
      const refusal = error instanceof Refusal ? error : new Refusal(500, 'internal server error');
      rejectUpgrade(socket, refusal);
    }
  }

  #accept(socket: WebSocket, target: WebSocketRoute, path: string, query: string | undefined): void {
    const { dispatch } = this.#options;
    const id = dispatch.nextConnectionId();
    const connection: Connection = { id, socket, handlers: target, replies: Promise.resolve() };
    this.#connections.set(id, connection);
    socket.on('error', (error) => dispatch.log(`http-framework: WebSocket connection ${id}: ${String(error)}`));
    // Each call is queued at once, so the actor sees the connection's messages in order; what follows a call (sending
    // its replies) is chained behind the previous call's, so replies go out in that order too.
    const queue = (fn: string, params: readonly unknown[], then: (output: unknown) => void = () => {}): Promise<void> => {
      const output = dispatch.call(fn, params);
      // Its refusal is handled through `done`, but only once the previous call's replies are out: until then it would
      // count as unhandled (a connection flooding an actor that stops refuses many at once).
      output.catch(() => {});
      const done = connection.replies.then(() => output).then(then);
      connection.replies = done.then(
        () => {},
        () => {},
      );
      return done;
    };
    const failed = (fn: string) => (error: unknown) => {
      if (isKernelError(error, 'actor-not-running')) {
        socket.close(1001, 'the actor has stopped');
      } else if (isKernelError(error, 'mailbox-full')) {
        socket.close(1013, 'the actor is busy; try again later');
      } else {
        dispatch.log(`http-framework: WebSocket connection ${id}: ${fn} failed: ${messageOf(error)}`);
        socket.close(1011, 'the actor failed');
      }
    };
    if (target.connect !== undefined) {
      queue('handle-websocket-connect', [target.connect, id, path, query]).catch(failed('handle-websocket-connect'));
    }
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const message: WebsocketMessage = isBinary
        ? { ty: { tag: 'binary' }, data: toBytes(data) }
        : { ty: { tag: 'text' }, text: decoder.decode(toBytes(data)) };
      queue('handle-websocket-message', [target.message, id, message], (output) => this.#reply(connection, output)).catch(
        failed('handle-websocket-message'),
      );
    });
    socket.on('close', () => {
      this.#connections.delete(id);
      if (target.disconnect === undefined) return;
      queue('handle-websocket-disconnect', [target.disconnect, id]).catch((error: unknown) => {
        if (!isKernelError(error, 'actor-not-running'))
          dispatch.log(`http-framework: WebSocket connection ${id}: handle-websocket-disconnect failed: ${messageOf(error)}`);
      });
    });
  }

  /** Sends the actor's replies; each send is issued at once, in order (ws keeps the order of its sends). */
  #reply(connection: Connection, output: unknown): void {
    const messages = first(output);
    if (!Array.isArray(messages)) return;
    const failed = (error: unknown) =>
      this.#options.dispatch.log(`http-framework: WebSocket connection ${connection.id}: a reply was not sent: ${messageOf(error)}`);
    for (const message of messages as WebsocketMessage[]) {
      if (connection.socket.readyState !== connection.socket.OPEN) return;
      if (this.#admit(connection, message) !== undefined) return;
      try {
        transmit(connection.socket, message, failed);
      } catch (error) {
        failed(error);
      }
    }
  }
}

/** The first element of an export's output tuple. */
function first(output: unknown): unknown {
  return Array.isArray(output) ? output[0] : undefined;
}

/**
 * The request target, if it is a path (origin-form), else a 400 refusal. Middleware and routes match the path as sent,
 * so an absolute-form target (`GET http://host/private`) would pass no middleware yet reach a catch-all route, its
 * handler seeing the guarded path in the uri; `*` (asterisk-form) has no path either.
 */
function originForm(url: string | undefined): string {
  if (url === undefined || !url.startsWith('/'))
    throw new Refusal(400, 'bad request: the request target must be a path', { connection: 'close' });
  return url;
}

/** The request body (undefined when empty), or a 413 refusal past `limit` bytes. */
async function readBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(incoming.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    incoming.resume();
    throw new Refusal(413, `the request body exceeds ${limit} bytes`, { connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      incoming.resume();
      throw new Refusal(413, `the request body exceeds ${limit} bytes`, { connection: 'close' });
    }
    chunks.push(chunk);
  }
  return size === 0 ? undefined : concatBytes(chunks, size);
}

/** Why `value` is not a valid `http-request` (as middleware returns it), or undefined. */
function requestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'no request';
  const { method, uri, headers, body } = value as Partial<HttpRequest>;
  if (typeof method !== 'string' || !isToken(method)) return `invalid method ${JSON.stringify(method)}`;
  if (typeof uri !== 'string' || !uri.startsWith('/')) return `invalid uri ${JSON.stringify(uri)}`;
  if (body !== undefined && !(body instanceof Uint8Array)) return 'invalid body';
  return headersProblem(headers);
}

function middlewareProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'no result';
  const { proceed, request } = value as { proceed?: unknown; request?: unknown };
  if (typeof proceed !== 'boolean') return 'no proceed flag';
  return requestProblem(request);
}

function headersProblem(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return 'headers are not a list';
  for (const pair of headers as unknown[]) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return 'a header is not a pair of strings';
    try {
      validateHeaderName(pair[0]);
      validateHeaderValue(pair[0], pair[1]);
    } catch (error) {
      return `header ${JSON.stringify(pair[0])}: ${messageOf(error)}`;
    }
  }
  return undefined;
}

/** Writes the actor's `http-response`; returns why it is invalid (nothing written then). */
function writeResponse(response: ServerResponse, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'no response';
  const { status, headers, body } = value as { status?: unknown; headers?: unknown; body?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) return `invalid status ${String(status)}`;
  const problem = headersProblem(headers);
  if (problem !== undefined) return problem;
  if (body !== undefined && !(body instanceof Uint8Array)) return 'invalid body';
  if (response.destroyed || response.headersSent) return undefined;
  const grouped = new Map<string, string[]>();
  for (const [name, headerValue] of headers as Array<[string, string]>) {
    const key = name.toLowerCase();
    if (FRAMING_HEADERS.has(key)) continue;
    const values = grouped.get(key);
    if (values === undefined) grouped.set(key, [headerValue]);
    else values.push(headerValue);
  }
  for (const [name, values] of grouped) response.setHeader(name, values.length === 1 ? values[0]! : values);
  if (status === 204 || status === 304) {
    response.writeHead(status);
    response.end();
    return undefined;
  }
  response.setHeader('content-length', body?.byteLength ?? 0);
  response.writeHead(status);
  response.end(body);
  return undefined;
}

function respondWith(response: ServerResponse, refusal: Refusal): void {
  if (response.destroyed || response.headersSent) return;
  const body = encoder.encode(`${refusal.message}\n`);
  response.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.byteLength,
  });
  response.end(body);
}

/** Answers a refused upgrade with a plain HTTP response and closes the socket. */
function rejectUpgrade(socket: Duplex, refusal: Refusal): void {
  if (socket.destroyed) return;
  const body = `${refusal.message}\n`;
  const extra = Object.entries(refusal.headers)
    .filter(([name]) => name !== 'connection')
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.message}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

/**
 * Queues one WIT `websocket-message` on `socket`. What ws refuses at once (a close reason over 123 bytes, ping data over
 * 125) is thrown as an err; a write that fails later goes to `failed` (the connection then closes on its own).
 */
function transmit(socket: WebSocket, message: WebsocketMessage, failed: (error: Error) => void): void {
  try {
    send(socket, message, failed);
  } catch (error) {
    throw error instanceof HostCallError ? error : new HostCallError(`the message was not sent: ${messageOf(error)}`);
  }
}

function send(socket: WebSocket, message: WebsocketMessage, failed: (error: Error) => void): void {
  // ws reports success with `null` or `undefined`. Its callback fires once the frame is written, which a client that
  // does not read may put off for ever, so nobody waits for it.
  const sent = (error?: Error | null) => {
    if (error != null) failed(error);
  };
  switch (message.ty.tag) {
    case 'text':
      return socket.send(message.text ?? decoder.decode(message.data ?? new Uint8Array()), sent);
    case 'binary':
      return socket.send(message.data ?? encoder.encode(message.text ?? ''), { binary: true }, sent);
    case 'ping':
      return socket.ping(message.data, undefined, sent);
    case 'pong':
      return socket.pong(message.data, undefined, sent);
    case 'close':
      return socket.close(1000, message.text);
    default:
      throw new HostCallError(`a ${message.ty.tag} message cannot be sent`);
  }
}

/** The payload bytes `message` puts on the wire. */
function sizeOf(message: WebsocketMessage): number {
  switch (message.ty.tag) {
    case 'text':
      return message.text === undefined ? (message.data?.byteLength ?? 0) : Buffer.byteLength(message.text);
    case 'binary':
      return message.data?.byteLength ?? Buffer.byteLength(message.text ?? '');
    default:
      return message.data?.byteLength ?? 0;
  }
}

/** A copy of a received message in its own ArrayBuffer. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return concatBytes(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
