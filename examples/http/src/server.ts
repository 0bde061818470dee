/**
 * A web server actor: in init it starts an HTTP server on 127.0.0.1 and serves
 *
 * - `GET /`: an HTML page that counts its visits (each visit is a request the actor handles, so the count lives in
 *   its state and every visit is in its event chain);
 * - `GET /api/count`: the count as JSON, `{"visits": n}` (not itself a visit).
 *
 * Its initial state may set the port, `{"port": 8080}` (default 8080; 0 picks a free port). The state is
 * `{"port": <bound port>, "visits": n, …}`, so whoever spawned it can read the port it got.
 */
import { addRoute, createServer, registerHandler, startServer } from 'theater:simple/http-framework';
import { log } from 'theater:simple/runtime';
import { defineActor, encodeText, type HttpResponse } from '@theater/sdk/guest';
import { page } from './lib/page.js';

interface Site {
  port: number;
  visits: number;
  /** Handler ids by route, as numbers (JSON has no bigint). */
  page: number;
  count: number;
}

const DEFAULTS: Site = { port: 8080, visits: 0, page: 0, count: 0 };

function respond(contentType: string, body: string): HttpResponse {
  return {
    status: 200,
    headers: [
      ['content-type', contentType],
      ['cache-control', 'no-store'],
    ],
    body: encodeText(body),
  };
}

export default defineActor({
  state: () => DEFAULTS,

  init(state, { id }) {
    // The initial state may give only the port: fill in the rest.
    const site = { ...DEFAULTS, ...state };
    const server = createServer({ host: '127.0.0.1', port: site.port });
    const pageHandler = registerHandler('page');
    const countHandler = registerHandler('count');
    addRoute(server, '/', 'GET', pageHandler);
    addRoute(server, '/api/count', 'GET', countHandler);
    const port = startServer(server);
    log(`actor ${id} serving on http://127.0.0.1:${port}/`);
    return { ...site, port, page: Number(pageHandler), count: Number(countHandler) };
  },

  onHttpRequest(site, _request, { handlerId }) {
    if (handlerId === BigInt(site.page)) {
      const visits = site.visits + 1;
      return { state: { ...site, visits }, response: respond('text/html; charset=utf-8', page(visits)) };
    }
    return { state: site, response: respond('application/json', JSON.stringify({ visits: site.visits })) };
  },
});
