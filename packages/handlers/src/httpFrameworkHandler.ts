/**
 * The `http-framework` handler: an actor serves HTTP and WebSockets. Servers bind to loopback only (`127.0.0.1` by
 * default; `localhost` binds 127.0.0.1, `::1` the IPv6 loopback; any other host is `permission-denied`), at most
 * `max_servers` at once, and never with TLS. Each request is dispatched into the actor's `http-handlers` export as an
 * operation (queued in its mailbox, recorded in its chain): its middleware, then its route; WebSocket connections
 * forward every message the same way (see http/actorServer.ts). Ids of servers, handlers, routes, middleware and
 * connections count from 1 per actor. Every server and connection closes when the actor ends.
 */
import { handlerType, HostCallError, integer, table, type HandlerDefinition, type HostInterfaces } from '@theater/kernel';
import { ActorServer } from './http/actorServer.js';
import { parseMethod, parsePattern, type PathPattern } from './http/router.js';

type HttpFrameworkHost = Pick<HostInterfaces, 'theater:simple/http-framework'>;

const HTTP_HANDLERS = 'theater:simple/http-handlers';

/** The loopback hosts an actor may name, and the address each binds. */
const LOOPBACK_HOSTS: ReadonlyMap<string, string> = new Map([
  ['127.0.0.1', '127.0.0.1'],
  // Bound by address, not by name: a resolver could map `localhost` anywhere.
  ['localhost', '127.0.0.1'],
  ['::1', '::1'],
  ['[::1]', '::1'],
]);

/**
 * `type = "http-framework"`: serve HTTP and WebSocket on loopback only, with request bodies and WebSocket messages of
 * at most `maxRequestBytes`, and at most `maxServers` servers at once.
 */
export interface HttpFrameworkHandlerConfig {
  readonly type: 'http-framework';
  readonly maxRequestBytes: number;
  readonly maxServers: number;
}

/** Sizes in the defaults below. */
const MIB = 1024 * 1024;

const configSchema = table({
  type: handlerType('http-framework'),
  max_request_bytes: integer('positive').default(MIB).describe('The largest request body or WebSocket message received, in bytes.'),
  max_servers: integer('positive').default(4).describe('How many servers the actor may have at once.'),
}).transform(
  (v): HttpFrameworkHandlerConfig => ({ type: 'http-framework', maxRequestBytes: v.max_request_bytes, maxServers: v.max_servers }),
);

/** Grants `theater:simple/http-framework`; the actor must export `theater:simple/http-handlers`. */
export const httpFrameworkHandler: HandlerDefinition<HttpFrameworkHandlerConfig> = {
  type: 'http-framework',
  description: 'HTTP and WebSocket servers, on loopback addresses only (theater:simple/http-framework).',
  config: configSchema,
  provides: ['theater:simple/http-framework'],
  requiredExports: {
    [HTTP_HANDLERS]: [
      'handle-request',
      'handle-middleware',
      'handle-websocket-connect',
      'handle-websocket-message',
      'handle-websocket-disconnect',
    ],
  },
  excess(wanted, held) {
    if (wanted.maxRequestBytes > held.maxRequestBytes)
      return `max_request_bytes ${wanted.maxRequestBytes} exceeds the parent's ${held.maxRequestBytes}`;
    if (wanted.maxServers > held.maxServers) return `max_servers ${wanted.maxServers} exceeds the parent's ${held.maxServers}`;
    return undefined;
  },
  create({ config, call, log, onExit }): HttpFrameworkHost {
    const servers = new Map<bigint, ActorServer>();
    const next = { server: 1n, handler: 1n, route: 1n, middleware: 1n, connection: 1n };
    const dispatch = {
      call: (fn: string, params: readonly unknown[]) => call(HTTP_HANDLERS, fn, params),
      log,
      nextConnectionId: () => next.connection++,
    };

    onExit(async () => {
      const all = [...servers.values()];
      servers.clear();
      await Promise.all(all.map((server) => server.dispose()));
    });

    const server = (id: bigint): ActorServer => {
      const found = servers.get(id);
      if (found === undefined) throw new HostCallError(`unknown server ${id}`);
      return found;
    };
    // Handlers are never unregistered: the ids handed out so far are exactly 1 .. next.handler - 1.
    const handler = (id: bigint): bigint => {
      if (id < 1n || id >= next.handler) throw new HostCallError(`unknown handler ${id}`);
      return id;
    };
    const pattern = (path: string): PathPattern => {
      const parsed = parsePattern(path);
      if (typeof parsed === 'string') throw new HostCallError(parsed);
      return parsed;
    };

    return {
      'theater:simple/http-framework': {
        createServer: ({ port, host, tlsConfig }) => {
          if (tlsConfig !== undefined) {
            throw new HostCallError('TLS is not supported: serve plain HTTP on loopback and terminate TLS in front of it');
          }
          const named = host ?? '127.0.0.1';
          const bindAddress = LOOPBACK_HOSTS.get(named.toLowerCase());
          if (bindAddress === undefined) {
            throw new HostCallError(
              `permission-denied: host ${JSON.stringify(named)} is not a loopback address (allowed: 127.0.0.1, localhost, ::1)`,
            );
          }
          if (servers.size >= config.maxServers) {
            throw new HostCallError(
              `permission-denied: the actor already has ${servers.size} servers (max_servers is ${config.maxServers})`,
            );
          }
          const id = next.server++;
          servers.set(
            id,
            new ActorServer({ id, bindAddress, host: named, port: port ?? 0, maxRequestBytes: config.maxRequestBytes, dispatch }),
          );
          return id;
        },
        getServerInfo: (serverId) => server(serverId).info(),
        startServer: (serverId) => server(serverId).start(),
        stopServer: (serverId) => server(serverId).stop(),
        destroyServer: async (serverId) => {
          const found = server(serverId);
          servers.delete(serverId);
          await found.dispose();
        },
        registerHandler: () => next.handler++,
        addRoute: (serverId, path, method, handlerId) => {
          const owner = server(serverId);
          const parsedMethod = parseMethod(method);
          if (typeof parsedMethod !== 'string') throw new HostCallError(parsedMethod.error);
          const parsedPath = pattern(path);
          const target = handler(handlerId);
          const id = next.route++;
          owner.addRoute(id, parsedPath, parsedMethod, target);
          return id;
        },
        // Ids are unique among the actor's servers, so at most one holds it (none once its server is destroyed).
        removeRoute: (routeId) => {
          if (![...servers.values()].some((owner) => owner.removeRoute(routeId))) throw new HostCallError(`unknown route ${routeId}`);
        },
        addMiddleware: (serverId, path, handlerId) => {
          const owner = server(serverId);
          const parsedPath = pattern(path);
          const target = handler(handlerId);
          const id = next.middleware++;
          owner.addMiddleware(id, parsedPath, target);
          return id;
        },
        removeMiddleware: (middlewareId) => {
          if (![...servers.values()].some((owner) => owner.removeMiddleware(middlewareId)))
            throw new HostCallError(`unknown middleware ${middlewareId}`);
        },
        enableWebsocket: (serverId, path, connectHandlerId, messageHandlerId, disconnectHandlerId) => {
          const owner = server(serverId);
          owner.enableWebsocket(pattern(path), {
            connect: connectHandlerId === undefined ? undefined : handler(connectHandlerId),
            message: handler(messageHandlerId),
            disconnect: disconnectHandlerId === undefined ? undefined : handler(disconnectHandlerId),
          });
        },
        sendWebsocketMessage: (serverId, connectionId, message) => server(serverId).send(connectionId, message),
        closeWebsocket: (serverId, connectionId) => server(serverId).closeConnection(connectionId),
      },
    };
  },
};
