/** The http-client handler, through a real component, against real HTTP servers on 127.0.0.1. */
import { createServer as createHttpsServer } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import type { Actor } from '@theater/kernel';
import type { HttpClientHandlerConfig } from '@theater/handlers';
import { testServer, type Received } from '@theater/test-actors';
import { decode, manifestOf, testSystem, text } from './helpers.js';

const ok = (body: string) => (_: Received, res: ServerResponse) => res.end(body);

/** The fetcher's manifest with an http-client grant of `changes` over defaults allowing `hosts`. */
async function fetcherManifest(hosts: readonly string[], changes: Partial<HttpClientHandlerConfig> = {}, callTimeoutMs?: number) {
  const base = await manifestOf('fetcher');
  const grant: HttpClientHandlerConfig = {
    type: 'http-client',
    allowedHosts: hosts,
    allowedMethods: ['GET', 'POST'],
    maxRequestBytes: 1024,
    maxResponseBytes: 4096,
    timeoutMs: 2000,
    ...changes,
  };
  return {
    ...base,
    limits: callTimeoutMs === undefined ? base.limits : { ...base.limits, callTimeoutMs },
    handlers: [...base.handlers.filter((handler) => handler.type !== 'http-client'), grant],
  };
}

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

interface Reply {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: string | null;
}

async function fetchJson(actor: Actor, command: string): Promise<Reply> {
  const reply = await ask(actor, command);
  if (reply.startsWith('error:')) throw new Error(`expected a response, got ${reply}`);
  return JSON.parse(reply) as Reply;
}

/** The payload of the actor's last send-http host call. */
async function lastCall(actor: Actor): Promise<unknown> {
  const calls = (await actor.events()).filter((event) => event.type === 'theater:simple/http-client.send-http');
  return decodeEventData(calls.at(-1)!.data);
}

const send = (request: { method: string; uri: string; headers?: [string, string][]; body?: string }): string =>
  `send ${JSON.stringify(request)}`;

/** A self-signed certificate for 127.0.0.1 (EC P-256, valid to 2126) that nothing trusts. */
const UNTRUSTED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNclHLXd+fcyfmV0Y
3QB28oKlAMETM0+7U5z7/48rGwOhRANCAARwx4ARSjt2dNt6YE6GROEjJJPlxcxv
rc4W1xNQ0VnfD5krRPxT2JnYAKdxU6lpP4MMuEJ7begFAZDqhkyEVU6a
-----END PRIVATE KEY-----`;
const UNTRUSTED_CERT = `-----BEGIN CERTIFICATE-----
MIIBkTCCATagAwIBAgIUU42ZfKl8/G7Fkg1LdhiUT2yQ70gwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNDA5MzIxNloYDzIxMjYxMDMx
MDkzMjE2WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARwx4ARSjt2dNt6YE6GROEjJJPlxcxvrc4W1xNQ0VnfD5krRPxT2JnY
AKdxU6lpP4MMuEJ7begFAZDqhkyEVU6ao2QwYjAdBgNVHQ4EFgQUAHK82u0emD7/
1Jbu0AGyc0kcbV0wHwYDVR0jBBgwFoAUAHK82u0emD7/1Jbu0AGyc0kcbV0wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
IQCgbXf3RrJWIM3NM/F//4QR1NfYFY610gS2l/YbxdHydQIhALBWRcBoJm74mrkh
QABfgUFkz/3UsV9CAnQRxHxuvh0T
-----END CERTIFICATE-----`;

describe('http-client', () => {
  it('sends a GET and returns the status, the headers as received and the body, recorded for replay', async () => {
    await using server = await testServer((_, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Answer', '42');
      res.statusCode = 201;
      res.end('hello from the server');
    });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const reply = await fetchJson(fetcher, `get ${server.url('/path?q=1#fragment')}`);
    expect(reply.status).toBe(201);
    expect(reply.body).toBe('hello from the server');
    // Lower-case names, and a repeated header as separate entries, in the order sent.
    expect(reply.headers.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(reply.headers).toContainEqual(['x-answer', '42']);
    expect(reply.headers).toContainEqual(['content-length', '21']);
    expect(server.received).toMatchObject([{ method: 'GET', url: '/path?q=1' }]);
    expect(await lastCall(fetcher)).toMatchObject({
      args: [{ method: 'GET', uri: server.url('/path?q=1#fragment'), headers: [] }],
      result: { status: 201, body: new TextEncoder().encode('hello from the server') },
    });
    await fetcher.stop();
    // Replay answers the host call from the chain: the server sees no second request.
    expect(await system.replay(fetcher.id)).toMatchObject({ ok: true });
    expect(server.received).toHaveLength(1);
  });

  it('returns body none for a response without body bytes', async () => {
    await using server = await testServer((_, res) => {
      res.statusCode = 204;
      res.end();
    });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    expect(await fetchJson(fetcher, `get ${server.url()}`)).toMatchObject({ status: 204, body: null });
  });

  it('delivers a POST body intact, and round-trips headers, repeated ones included', async () => {
    await using server = await testServer((request, res) => {
      res.setHeader('X-Echo', String(request.headers['x-trace']));
      res.end(JSON.stringify({ body: request.body.toString('utf8'), rawHeaders: request.rawHeaders }));
    });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const posted = await fetchJson(fetcher, `post ${server.url('/submit')} héllo wörld  with  spaces`);
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body!)).toMatchObject({ body: 'héllo wörld  with  spaces' });
    expect(server.received[0]).toMatchObject({
      method: 'POST',
      url: '/submit',
      headers: { 'content-length': String(Buffer.byteLength('héllo wörld  with  spaces')) },
    });

    const request = {
      method: 'post',
      uri: server.url('/headers'),
      headers: [
        ['X-Trace', 'abc-123'],
        ['Content-Type', 'application/json'],
        ['X-Multi', 'one'],
        ['x-multi', 'two'],
      ] as [string, string][],
      body: '{"a":1}',
    };
    const reply = await fetchJson(fetcher, send(request));
    expect(reply.headers).toContainEqual(['x-echo', 'abc-123']);
    const seen = server.received[1]!;
    expect(seen).toMatchObject({ method: 'POST', headers: { 'x-trace': 'abc-123', 'content-type': 'application/json' } });
    expect(seen.body.toString()).toBe('{"a":1}');
    const multi = seen.rawHeaders.flatMap((value, i) =>
      i % 2 === 1 && seen.rawHeaders[i - 1]!.toLowerCase() === 'x-multi' ? [value] : [],
    );
    expect(multi).toEqual(['one', 'two']);
  });

  it('refuses hosts outside allowed_hosts before connecting, recording the denial', async () => {
    await using server = await testServer(ok('allowed'));
    await using other = await testServer(ok('other'));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`, `*.localhost:${other.port}`]));
    const refused: [string, string][] = [
      [`http://localhost:${server.port}/`, `localhost:${server.port}`],
      [other.url(), `127.0.0.1:${other.port}`],
      // A wildcard allows subdomains only, never the domain itself.
      [`http://localhost:${other.port}/`, `localhost:${other.port}`],
      [`http://127.0.0.2:${server.port}/`, `127.0.0.2:${server.port}`],
    ];
    for (const [uri, host] of refused) {
      const error = `permission-denied: host ${host} is not in allowed_hosts`;
      expect(await ask(fetcher, `get ${uri}`)).toBe(`error:${error}`);
      expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri, headers: [] }], error });
    }
    expect(server.connections).toBe(0);
    expect(other.connections).toBe(0);
    // Another spelling of the allowed address is the same host.
    expect(await fetchJson(fetcher, `get http://127.1:${server.port}/`)).toMatchObject({ status: 200, body: 'allowed' });
    expect(await fetchJson(fetcher, `get HTTP://127.0.0.1:${server.port}/`)).toMatchObject({ status: 200 });
  });

  it('allows no host when allowed_hosts is empty, and refuses invalid entries at spawn', async () => {
    await using server = await testServer(ok('never'));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([]));
    expect(await ask(fetcher, `get ${server.url()}`)).toBe(
      `error:permission-denied: host 127.0.0.1:${server.port} is not in allowed_hosts`,
    );
    await expect(
      system.spawn(await fetcherManifest(['127.0.0.1', 'http://example.com', '*.10.0.0.1', 'example.com:99999'])),
    ).rejects.toMatchObject({
      code: 'invalid-grant',
      message:
        'handler[3].allowed_hosts: entries must be host, host:port or *.domain: "http://example.com" (a host has no scheme, path, user info or spaces), ' +
        '"*.10.0.0.1" (an IP address has no subdomains), "example.com:99999" ("99999" is not a port (1..65535))',
    });
    expect(server.connections).toBe(0);
  });

  it('refuses credentials in the URI', async () => {
    await using server = await testServer(ok('never'));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`, 'localhost']));
    const uri = `http://127.0.0.1:${server.port}@localhost/`;
    const error = `invalid uri ${JSON.stringify(uri)}: user info is not supported (send an authorization header)`;
    expect(await ask(fetcher, `get ${uri}`)).toBe(`error:${error}`);
    expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri, headers: [] }], error });
    expect(server.connections).toBe(0);
  });

  it('refuses methods outside allowed_methods, comparing case-insensitively', async () => {
    await using server = await testServer((request, res) => res.end(request.method));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const error = 'permission-denied: method "DELETE" is not in allowed_methods (GET, POST)';
    expect(await ask(fetcher, `method DELETE ${server.url()}`)).toBe(`error:${error}`);
    expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'DELETE', uri: server.url(), headers: [] }], error });
    expect(await ask(fetcher, `method PUT ${server.url()}`)).toBe(
      'error:permission-denied: method "PUT" is not in allowed_methods (GET, POST)',
    );
    expect(server.connections).toBe(0);
    expect(await fetchJson(fetcher, `method get ${server.url()}`)).toMatchObject({ status: 200, body: 'GET' });
    // CONNECT opens a tunnel, not an exchange: never sent, even when granted.
    const tunneler = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`], { allowedMethods: ['CONNECT'] }));
    expect(await ask(tunneler, `method CONNECT ${server.url()}`)).toBe('error:CONNECT (a tunnel) is not supported');
    expect(server.received).toHaveLength(1);
  });

  it('refuses a request body over max_request_bytes before connecting', async () => {
    await using server = await testServer((request, res) => res.end(String(request.body.length)));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const error = 'permission-denied: a request body of 1025 bytes exceeds max_request_bytes (1024)';
    expect(await ask(fetcher, `big ${server.url()} 1025`)).toBe(`error:${error}`);
    expect(await lastCall(fetcher)).toMatchObject({ args: [{ method: 'POST', uri: server.url() }], error });
    expect(server.connections).toBe(0);
    expect(await fetchJson(fetcher, `big ${server.url()} 1024`)).toMatchObject({ status: 200, body: '1024' });
  });

  it('fails, rather than truncates, a response over max_response_bytes, announced or streamed', async () => {
    await using server = await testServer((request, res) => {
      if (request.url === '/declared') {
        res.writeHead(200, { 'Content-Length': '5000' });
        res.end(request.method === 'HEAD' ? undefined : 'x'.repeat(5000));
      } else {
        // Chunked, with no length announced: the cap applies while reading.
        res.write('x'.repeat(3000));
        setTimeout(() => res.end('x'.repeat(3000)), 20);
      }
    });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`], { allowedMethods: ['GET', 'HEAD'] }));
    const error = 'the response body exceeds max_response_bytes (4096)';
    expect(await ask(fetcher, `get ${server.url('/declared')}`)).toBe(`error:${error}`);
    expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri: server.url('/declared'), headers: [] }], error });
    expect(await ask(fetcher, `get ${server.url('/streamed')}`)).toBe(`error:${error}`);
    // The answer to a HEAD announces the length without a body.
    const head = await fetchJson(fetcher, `method HEAD ${server.url('/declared')}`);
    expect(head).toMatchObject({ status: 200, body: null });
    expect(head.headers).toContainEqual(['content-length', '5000']);
  });

  it('times out a server that never answers, and the actor stays healthy', async () => {
    await using silent = await testServer(() => undefined);
    await using server = await testServer(ok('fine'));
    await using system = await testSystem();
    const hosts = [`127.0.0.1:${silent.port}`, `127.0.0.1:${server.port}`];
    const fetcher = await system.spawn(await fetcherManifest(hosts, { timeoutMs: 300 }));
    expect(await ask(fetcher, `get ${silent.url()}`)).toBe('error:timed out after 300 ms');
    expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri: silent.url(), headers: [] }], error: 'timed out after 300 ms' });
    expect(silent.received).toHaveLength(1);
    expect(fetcher.status).toBe('running');
    expect(await fetchJson(fetcher, `get ${server.url()}`)).toMatchObject({ status: 200, body: 'fine' });

    // A timeout_ms beyond the actor's call deadline is cut short so the call still ends in time.
    const bounded = await system.spawn(await fetcherManifest(hosts, { timeoutMs: 60_000 }, 1000));
    expect(await ask(bounded, `get ${silent.url()}`)).toBe('error:timed out after 900 ms');
    expect(bounded.status).toBe('running');
  });

  it('returns a redirect as it is, never following it to another host', async () => {
    await using target = await testServer(ok('target'));
    await using server = await testServer((_, res) => {
      res.writeHead(302, { Location: target.url('/secret') });
      res.end();
    });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const reply = await fetchJson(fetcher, `get ${server.url()}`);
    expect(reply.status).toBe(302);
    expect(reply.headers).toContainEqual(['location', target.url('/secret')]);
    expect(reply.body).toBeNull();
    expect(target.connections).toBe(0);
  });

  it('refuses other schemes than http and https', async () => {
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest(['127.0.0.1', 'localhost']));
    for (const [uri, scheme] of [
      ['file:///etc/passwd', 'file:'],
      ['ftp://127.0.0.1/x', 'ftp:'],
      ['data:text/plain,hi', 'data:'],
      ['ws://127.0.0.1/', 'ws:'],
    ]) {
      const error = `permission-denied: only http: and https: URIs may be requested, not ${scheme}`;
      expect(await ask(fetcher, `get ${uri}`)).toBe(`error:${error}`);
      expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri, headers: [] }], error });
    }
    // https goes through the same checks (and node:https): a host not granted is refused before any connection.
    expect(await ask(fetcher, 'get https://example.com/')).toBe('error:permission-denied: host example.com is not in allowed_hosts');
  });

  it('reports a malformed URI as such', async () => {
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest(['127.0.0.1']));
    for (const uri of ['not-a-url', '/relative/path', 'http://', 'http://[::1']) {
      const error = `invalid uri ${JSON.stringify(uri)}: not an absolute URL`;
      expect(await ask(fetcher, `get ${uri}`)).toBe(`error:${error}`);
      expect(await lastCall(fetcher)).toEqual({ args: [{ method: 'GET', uri, headers: [] }], error });
    }
  });

  it('refuses invalid headers, a Host header and a wrong content-length with clear errors', async () => {
    await using server = await testServer(ok('never'));
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`]));
    const cases: [[string, string][], string][] = [
      [[['bad name', 'x']], 'invalid header name "bad name"'],
      [[['', 'x']], 'invalid header name ""'],
      [[['x-injected', 'a\r\nHost: evil.example']], 'invalid value for header "x-injected"'],
      [[['Host', 'evil.example']], 'the host header cannot be set: it is taken from the uri'],
      [[['Content-Length', '3']], 'the content-length header ("3") differs from the body\'s 5 bytes'],
    ];
    for (const [headers, error] of cases) {
      expect(await ask(fetcher, send({ method: 'POST', uri: server.url(), headers, body: 'hello' }))).toBe(`error:${error}`);
      expect(await lastCall(fetcher)).toMatchObject({ error });
    }
    expect(server.connections).toBe(0);
  });

  it('reports a connection that is reset, cut short or refused', async () => {
    await using server = await testServer((request, res, req) => {
      if (request.url === '/reset') {
        req.socket.destroy();
      } else {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('only part of it');
        setTimeout(() => req.socket.destroy(), 20);
      }
    });
    const closed = await testServer(ok('gone'));
    const closedPort = closed.port;
    await closed[Symbol.asyncDispose]();
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${server.port}`, `127.0.0.1:${closedPort}`]));
    expect(await ask(fetcher, `get ${server.url('/reset')}`)).toBe('error:request failed: socket hang up (ECONNRESET)');
    expect(await ask(fetcher, `get ${server.url('/partial')}`)).toBe('error:reading the response failed: aborted (ECONNRESET)');
    expect(await ask(fetcher, `get http://127.0.0.1:${closedPort}/`)).toBe(
      `error:request failed: connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    expect(fetcher.status).toBe('running');
  });

  it('speaks TLS for https and refuses a certificate the system does not trust', async () => {
    const server = createHttpsServer({ key: UNTRUSTED_KEY, cert: UNTRUSTED_CERT }, (_, res) => res.end('secret'));
    let requests = 0;
    server.on('request', () => requests++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await using _server = { [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    const { port } = server.address() as AddressInfo;
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest([`127.0.0.1:${port}`]));
    // There is no option to skip verification: an untrusted certificate fails the handshake, before any request.
    expect(await ask(fetcher, `get https://127.0.0.1:${port}/`)).toMatch(/^error:request failed: .*certificate/u);
    expect(requests).toBe(0);
  });
});
