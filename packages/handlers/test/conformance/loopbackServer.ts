/** An HTTP server on 127.0.0.1 that answers every request with a fixed body and counts the requests reaching it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts a server answering `body` to every request; each answer closes its connection, so none stays open. */
export async function startLoopbackServer(body: string): Promise<LoopbackServer> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => response.writeHead(200, { connection: 'close' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
