/** The http-client handler through the conformance suite, driven by the fetcher test actor against a loopback server. */
import { expect } from 'vitest';
import type { HttpClientHandlerConfig } from '../../src/index.js';
import { testActorManifest, testServer, type TestServer } from '@theater/test-actors';
import { defaultHandlers, httpClientHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

const grant = (changes: Partial<HttpClientHandlerConfig>): HttpClientHandlerConfig => ({
  type: 'http-client',
  allowedHosts: ['127.0.0.1'],
  allowedMethods: ['GET', 'POST'],
  maxRequestBytes: 1024,
  maxResponseBytes: 4096,
  timeoutMs: 2000,
  ...changes,
});

testHandlerConformance({
  definition: httpClientHandler,
  handlers: defaultHandlers(),
  // Each answer closes its connection, so that none is left open when the leaks are counted.
  setup: () => testServer((_, response) => response.writeHead(200, { connection: 'close' }).end('hello')),
  teardown: (server: TestServer) => server[Symbol.asyncDispose](),
  manifest: async (server, load) => {
    const manifest = await load(testActorManifest('fetcher'));
    return {
      ...manifest,
      handlers: [
        ...manifest.handlers.filter((handler) => handler.type !== 'http-client'),
        grant({ allowedHosts: [`127.0.0.1:${server.port}`] }),
      ],
    };
  },
  async drive({ fixture, ask }) {
    expect(JSON.parse(await ask(`get ${fixture.url('/a')}`))).toMatchObject({ status: 200, body: 'hello' });
    expect(JSON.parse(await ask(`post ${fixture.url('/b')} some body`))).toMatchObject({ status: 200, body: 'hello' });
    expect(fixture.received.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /a', 'POST /b']);
  },
  denial: {
    request: ({ fixture }) => `get http://localhost:${fixture.port}/`,
    function: 'send-http',
    error: /^permission-denied: host localhost:\d+ is not in allowed_hosts/,
  },
  // Requests reaching the server: a replay sends none.
  sideEffects: ({ fixture }) => fixture.received.length,
  invalidConfigs: [
    { table: 'type = "http-client"\nallowed_hosts = "example.com"', field: 'allowed_hosts' },
    { table: 'type = "http-client"\nallowed_methods = ["FETCH"]', field: 'allowed_methods[0]' },
    { table: 'type = "http-client"\ntimeout_ms = 0', field: 'timeout_ms' },
  ],
  excess: {
    pairs: [
      {
        narrow: grant({}),
        wide: grant({ allowedHosts: ['127.0.0.1', 'example.com'] }),
        excess: "allowed_hosts example.com are not the parent's",
      },
      { narrow: grant({ allowedHosts: ['127.0.0.1:8080'] }), wide: grant({}), excess: "allowed_hosts 127.0.0.1 are not the parent's" },
      {
        narrow: grant({}),
        wide: grant({ allowedMethods: ['GET', 'POST', 'DELETE'] }),
        excess: "allowed_methods DELETE are not the parent's",
      },
      { narrow: grant({}), wide: grant({ maxResponseBytes: 8192 }), excess: "its size or time limits exceed the parent's" },
    ],
  },
});
