/** The OpenAPI description: generated from the route schemas, complete, and behind the token like everything else. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTheaterServer, type TheaterServer } from '../src/index.js';

let home: string;
let server: TheaterServer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-openapi-test-'));
  server = await startTheaterServer({ home });
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

interface OpenApi {
  openapi: string;
  info: { title: string; version: string; description: string };
  security: unknown[];
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>;
}

/** Every route the server has, as OpenAPI spells them (the WebSocket routes too: a GET answered by an upgrade). */
const ROUTES = [
  'get /v1/health',
  'get /v1/openapi.json',
  'get /v1/actors',
  'post /v1/actors',
  'get /v1/actors/{id}',
  'delete /v1/actors/{id}',
  'post /v1/actors/{id}/restart',
  'get /v1/actors/{id}/state',
  'get /v1/tree',
  'post /v1/resume',
  'get /v1/session',
  'post /v1/actors/{id}/messages',
  'post /v1/actors/{id}/requests',
  'get /v1/actors/{id}/channel',
  'get /v1/actors/{id}/events',
  'get /v1/actors/{id}/events/stream',
  'get /v1/actors/{id}/chain/verify',
  'get /v1/actors/{id}/chain/export',
  'post /v1/actors/{id}/replay',
];

describe('GET /v1/openapi.json', () => {
  it('describes every route with a summary and its responses, and the bearer scheme they all need', async () => {
    const response = await fetch(`${server.url}/v1/openapi.json`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApi;
    expect(document.openapi).toMatch(/^3\./u);
    expect(document.info).toMatchObject({ title: 'Theater operator API', version: '0.1.0' });
    for (const socket of ['/v1/session', '/v1/actors/{id}/channel', '/v1/actors/{id}/events/stream'])
      expect(document.info).toHaveProperty('description', expect.stringContaining(socket));
    expect(document.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(document.security).toEqual([{ bearer: [] }]);
    const described = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(described.sort()).toEqual([...ROUTES].sort());
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.summary, `${method} ${path} has a summary`).toEqual(expect.any(String));
      }
    }
    expect(Object.keys(document.paths['/v1/actors']!['post']!.responses!)).toEqual(expect.arrayContaining(['201', '4XX']));
  });

  it('is refused without the token', async () => {
    expect((await fetch(`${server.url}/v1/openapi.json`)).status).toBe(401);
  });
});
