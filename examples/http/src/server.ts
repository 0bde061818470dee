/**
 * A web server actor: in init it starts an HTTP server on 127.0.0.1 and serves
 *
 * - `GET /`: an HTML page that counts its visits (each visit is a request the actor handles, so the count lives in
 *   its state and every visit is in its event chain);
 * - `GET /api/count`: the count as JSON, `{"visits": n}` (not itself a visit).
 *
 * Its initial state may set the port, `{"port": 8080}` (default 8080; 0 picks a free port). The state is
 * `{"port": <bound port>, "visits": n}`, so whoever spawned it can read the port it got.
 *
 * @world http-actor
 */
import type * as Actor from 'theater:simple/actor';
import type * as HttpHandlers from 'theater:simple/http-handlers';
import { addRoute, createServer, registerHandler, startServer } from 'theater:simple/http-framework';
import type { HttpResponse } from 'theater:simple/http-types';
import { log } from 'theater:simple/runtime';
import { decodeJson, encodeJson, encodeText } from '@theater/sdk/guest';
import { page } from './lib/page.js';

interface SiteState {
  port: number;
  visits: number;
  /** Handler ids by route, as numbers (JSON has no bigint). */
  page: number;
  count: number;
}

const DEFAULT_PORT = 8080;

function read(state: Uint8Array | undefined): SiteState {
  return { port: DEFAULT_PORT, visits: 0, page: 0, count: 0, ...decodeJson<Partial<SiteState>>(state, {}) };
}


function respond(contentType: string, body: string): HttpResponse {
  return { status: 200, headers: [['content-type', contentType], ['cache-control', 'no-store']], body: encodeText(body) };
}

export const actor: typeof Actor = {
  init(state, [id]) {
    const site = read(state);
    const server = createServer({ host: '127.0.0.1', port: site.port });
    const pageHandler = registerHandler('page');
    const countHandler = registerHandler('count');
    addRoute(server, '/', 'GET', pageHandler);
    addRoute(server, '/api/count', 'GET', countHandler);
    const port = startServer(server);
    log(`actor ${id} serving on http://127.0.0.1:${port}/`);
    return [encodeJson({ ...site, port, page: Number(pageHandler), count: Number(countHandler) } satisfies SiteState)];
  },
};

export const httpHandlers: typeof HttpHandlers = {
  handleRequest(state, [handlerId]) {
    const site = read(state);
    if (handlerId === BigInt(site.page)) {
      const visits = site.visits + 1;
      return [encodeJson({ ...site, visits }), [respond('text/html; charset=utf-8', page(visits))]];
    }
    return [state, [respond('application/json', JSON.stringify({ visits: site.visits }))]];
  },
  handleMiddleware(state, [, request]) {
    return [state, [{ proceed: true, request }]];
  },
  handleWebsocketConnect(state) {
    return [state];
  },
  handleWebsocketMessage(state) {
    return [state, [[]]];
  },
  handleWebsocketDisconnect(state) {
    return [state];
  },
};
