/**
 * {{name}}: a web server. At start it serves, on 127.0.0.1 (port from the initial state `{"port": 8080}`, else any
 * free port):
 *
 * - `GET /`: an HTML page with a visit counter (each visit is an operation of the actor, recorded in its chain);
 * - `GET /api/notes`: the notes as JSON; `POST /api/notes` with a text body adds one (201).
 *
 * Request `{"url": true}` replies with the server's URL and the visit count.
 */
import { addRoute, createServer, registerHandler, startServer } from 'theater:simple/http-framework';
import { log } from 'theater:simple/runtime';
import { defineActor, reply, type HttpResponse } from '@theater/sdk/guest';

interface Site {
  port: number;
  visits: number;
  notes: string[];
  /** Handler ids by route, as numbers: JSON has no bigint. */
  routes: { page: number; notes: number };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function respond(status: number, contentType: string, body: string): HttpResponse {
  return {
    status,
    headers: [
      ['content-type', contentType],
      ['cache-control', 'no-store'],
    ],
    body: encoder.encode(body),
  };
}

function page(visits: number): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{name}}</title></head>
<body>
<h1>Hello from {{name}}</h1>
<p>This page is served by a WebAssembly actor. You are visitor number <strong>${visits}</strong>.</p>
<p>The notes as JSON: <a href="/api/notes">/api/notes</a>.</p>
</body>
</html>
`;
}

export default defineActor({
  state: (): Site => ({ port: 0, visits: 0, notes: [], routes: { page: 0, notes: 0 } }),

  init(initial, { id }) {
    // An init_state may give only some fields (`{"port": 8080}`): the rest keep their defaults.
    const site: Site = { port: 0, visits: 0, notes: [], routes: { page: 0, notes: 0 }, ...(initial as Partial<Site>) };
    const server = createServer({ host: '127.0.0.1', port: site.port });
    const pageHandler = registerHandler('page');
    const notesHandler = registerHandler('notes');
    addRoute(server, '/', 'GET', pageHandler);
    addRoute(server, '/api/notes', 'GET', notesHandler);
    addRoute(server, '/api/notes', 'POST', notesHandler);
    const port = startServer(server);
    log(`${id} serving on http://127.0.0.1:${port}/`);
    return { ...site, port, routes: { page: Number(pageHandler), notes: Number(notesHandler) } };
  },

  onHttpRequest(site, request, { handlerId }) {
    if (handlerId === BigInt(site.routes.page)) {
      const visits = site.visits + 1;
      return { state: { ...site, visits }, response: respond(200, 'text/html; charset=utf-8', page(visits)) };
    }
    if (request.method === 'POST') {
      const note = decoder.decode(request.body ?? new Uint8Array()).trim();
      if (note === '') return { state: site, response: respond(400, 'application/json', '{"error":"empty note"}') };
      return {
        state: { ...site, notes: [...site.notes, note] },
        response: respond(201, 'application/json', JSON.stringify({ added: note })),
      };
    }
    return { state: site, response: respond(200, 'application/json', JSON.stringify(site.notes)) };
  },

  onRequest: (site, _query: { url: true }) => reply(site, { url: `http://127.0.0.1:${site.port}/`, visits: site.visits }),
});
