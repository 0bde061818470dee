/** A real HTTP server on 127.0.0.1 for tests of actors that send requests: it records every request reaching it. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a test server received. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export interface TestServer extends AsyncDisposable {
  readonly port: number;
  readonly url: (path?: string) => string;
  readonly received: Received[];
  /** Connections accepted, whether or not a request followed. */
  connections: number;
}

/** An HTTP server on 127.0.0.1 that records what reaches it; `respond` answers once the request body is read. */
export async function testServer(respond: (request: Received, res: ServerResponse, req: IncomingMessage) => void): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      result.received.push(received);
      respond(received, res, req);
    });
  });
  server.on('connection', () => result.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: TestServer = {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    received: [],
    connections: 0,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return result;
}
