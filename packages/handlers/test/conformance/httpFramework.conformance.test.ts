/** The http-framework handler through the conformance suite, driven by the webserver test actor. */
import { get } from 'node:http';
import { expect } from 'vitest';
import type { HttpFrameworkHandlerConfig } from '../../src/index.js';
import { dial, testActorManifest } from '@theater/test-actors';
import { defaultHandlers, httpFrameworkHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

/** The port the actor's server listened on. */
interface Served {
  port?: number;
}

const grant = (changes: Partial<HttpFrameworkHandlerConfig>): HttpFrameworkHandlerConfig => ({
  type: 'http-framework',
  maxRequestBytes: 65536,
  maxServers: 2,
  ...changes,
});

/** GETs `path` from 127.0.0.1:`port` on a connection of its own, closed with the answer. */
function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

testHandlerConformance({
  definition: httpFrameworkHandler,
  handlers: defaultHandlers(),
  setup: async (): Promise<Served> => ({}),
  manifest: testActorManifest('webserver'),
  async drive({ fixture, ask }) {
    const port = Number(await ask('start'));
    expect(port).toBeGreaterThan(0);
    fixture.port = port;
    expect(await fetchText(port, '/hello')).toMatchObject({ status: 200 });
    expect(await fetchText(port, '/hit/1')).toMatchObject({ status: 200 });
    expect(await ask('stop')).toBe('ok');
    expect(await dial(port)).toBe('ECONNREFUSED');
  },
  denial: { request: 'create 0.0.0.0', function: 'create-server', error: 'permission-denied: host "0.0.0.0" is not a loopback address' },
  // Whether anything listens on the actor's port: a replay starts no server.
  sideEffects: ({ fixture }) => dial(fixture.port!),
  invalidConfigs: [
    { table: 'type = "http-framework"\nmax_servers = 0', field: 'max_servers' },
    { table: 'type = "http-framework"\nmax_request_bytes = "big"', field: 'max_request_bytes' },
  ],
  excess: {
    pairs: [
      { narrow: grant({}), wide: grant({ maxRequestBytes: 65537 }), excess: "max_request_bytes 65537 exceeds the parent's 65536" },
      { narrow: grant({}), wide: grant({ maxServers: 3 }), excess: "max_servers 3 exceeds the parent's 2" },
    ],
  },
});
