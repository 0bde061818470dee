/**
 * The http-framework handler through a real component (the `webserver` test actor): routes, middleware, WebSockets,
 * limits and denials, real sockets on 127.0.0.1, every request an operation recorded in the actor's chain.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeEventData } from '@theater/event-chain';
import type { Actor, ActorSystem, InspectionEvent } from '@theater/kernel';
import { dial } from '@theater/test-actors';
import { decode, manifestOf, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** A webserver actor with its server started; its port. */
async function started(system: ActorSystem): Promise<{ actor: Actor; port: number }> {
  const actor = await system.spawn(await manifestOf('webserver'));
  const port = Number(await ask(actor, 'start'));
  expect(port).toBeGreaterThan(0);
  return { actor, port };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

async function http(port: number, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Asks `command` until `done(reply)` holds (at most `tries` times); returns the last reply. */
async function poll(actor: Actor, command: string, done: (reply: string) => boolean, tries = 200): Promise<string> {
  let reply = await ask(actor, command);
  for (let i = 0; i < tries && !done(reply); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    reply = await ask(actor, command);
  }
  return reply;
}

/** An open WebSocket client that collects what it receives. */
async function openSocket(port: number, path: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
  const received: (string | Uint8Array)[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    received.push(isBinary ? new Uint8Array(data) : data.toString('utf8'));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  /** Waits until `count` messages have arrived in all. */
  const next = async (count: number): Promise<(string | Uint8Array)[]> => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return received.slice(0, count);
  };
  return { socket, received, next, closed };
}

/** The status with which the server answers a WebSocket upgrade it refuses. */
function refusedUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => {});
  });
}

describe('http-framework: routes', () => {
  it('serves routes with parameters and wildcards, answers 404 and 405, and reports server info', async () => {
    await using system = await testSystem();
    const actor = await system.spawn(await manifestOf('webserver'));
    expect(JSON.parse(await ask(actor, 'info'))).toEqual({
      id: 1,
      port: 0,
      host: '127.0.0.1',
      running: false,
      routesCount: 10,
      middlewareCount: 1,
      websocketEnabled: true,
    });
    const port = Number(await ask(actor, 'start'));
    expect(JSON.parse(await ask(actor, 'info'))).toMatchObject({ port, running: true });
    // Starting a running server is a no-op that reports its port.
    expect(await ask(actor, 'start')).toBe(String(port));

    expect(await http(port, '/hello')).toMatchObject({ status: 200, body: 'hello' });
    expect(await http(port, '/items/42')).toMatchObject({ status: 200, body: 'item 42' });
    expect(await http(port, '/any/a/b?c=d', { method: 'PUT', body: 'x' })).toMatchObject({ status: 200, body: 'PUT /any/a/b?c=d' });
    expect(await http(port, '/any', { method: 'DELETE' })).toMatchObject({ status: 200, body: 'DELETE /any' });
    const head = await http(port, '/hello', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers.get('content-length')).toBe('5');

    expect(await http(port, '/nothing-here')).toMatchObject({ status: 404 });
    expect(await http(port, '/items/')).toMatchObject({ status: 404 });
    expect(await http(port, '/items/1/2')).toMatchObject({ status: 404 });
    const wrongMethod = await http(port, '/hello', { method: 'POST', body: 'x' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });

  it('adds and removes routes and middleware, refusing unknown ids, handlers, servers and bad patterns', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await http(port, '/extra/7')).toMatchObject({ status: 404 });
    const route = await ask(actor, 'route get /extra/:id item');
    expect(route).toBe('11');
    expect(await http(port, '/extra/7')).toMatchObject({ status: 200, body: 'item 7' });
    expect(await ask(actor, `unroute ${route}`)).toBe('ok');
    expect(await http(port, '/extra/7')).toMatchObject({ status: 404 });
    expect(await ask(actor, `unroute ${route}`)).toBe(`error:unknown route ${route}`);

    const middleware = await ask(actor, 'guard /hello');
    expect(await http(port, '/hello')).toMatchObject({ status: 403 });
    expect(await http(port, '/hello', { headers: { 'x-token': 'secret' } })).toMatchObject({ status: 200, body: 'hello' });
    expect(await ask(actor, `unguard ${middleware}`)).toBe('ok');
    expect(await http(port, '/hello')).toMatchObject({ status: 200 });
    expect(await ask(actor, `unguard ${middleware}`)).toBe(`error:unknown middleware ${middleware}`);

    expect(await ask(actor, 'route GET /x nobody')).toBe('error:unknown handler 999');
    expect(await ask(actor, 'route GET /x hello 9')).toBe('error:unknown server 9');
    expect(await ask(actor, 'route GET nope hello')).toBe('error:a path must start with "/", got "nope"');
    expect(await ask(actor, 'route GET /a/*/b hello')).toBe('error:"*" may only end a path pattern, got "/a/*/b"');
    expect(await ask(actor, 'route GE(T /x hello')).toBe('error:expected an HTTP method (or "*" for any), got "GE(T"');
    expect(await ask(actor, 'guard /x 9')).toBe('error:unknown server 9');
    expect(await ask(actor, 'ws /x 9')).toBe('error:unknown server 9');
    expect(await ask(actor, 'handler extra')).toBe('14');
  });

  it('passes the request as sent, round-trips a body and refuses one over max_request_bytes with 413', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    const seen = JSON.parse((await http(port, '/whoami?x=1&y=%20', { headers: { 'X-Test': 'one' } })).body) as {
      method: string;
      uri: string;
      headers: [string, string][];
    };
    expect(seen.method).toBe('GET');
    expect(seen.uri).toBe('/whoami?x=1&y=%20');
    expect(seen.headers).toContainEqual(['x-test', 'one']);
    expect(seen.headers).toContainEqual(['host', `127.0.0.1:${port}`]);

    const bytes = new Uint8Array(60_000).map((_, i) => (i * 7) % 256);
    const echoed = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/x-test' },
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get('content-type')).toBe('application/x-test');
    expect(echoed.headers.get('x-body-length')).toBe('60000');
    expect(new Uint8Array(await echoed.arrayBuffer())).toEqual(bytes);
    const empty = await http(port, '/echo', { method: 'POST' });
    expect(empty).toMatchObject({ status: 200, body: '' });
    expect(empty.headers.get('x-body-length')).toBe('0');

    // The manifest allows 65536 bytes.
    expect((await http(port, '/echo', { method: 'POST', body: new Uint8Array(65_536) })).status).toBe(200);
    expect((await http(port, '/echo', { method: 'POST', body: new Uint8Array(65_537) })).status).toBe(413);
    // Without a declared length (chunked), the limit holds too.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(4096));
        controller.close();
      },
    });
    expect((await http(port, '/echo', { method: 'POST', body: chunked, duplex: 'half' } as RequestInit)).status).toBe(413);
    expect(await http(port, '/hello')).toMatchObject({ status: 200, body: 'hello' });
    // The rejected bodies never reached the actor.
    const lengths = (await actor.events())
      .filter((event) => event.type === 'wasm.call')
      .map((event) => decodeEventData(event.data) as { function: string; params: [bigint, { body?: Uint8Array }] })
      .filter((call) => call.function === 'handle-request' && call.params[1].body !== undefined)
      .map((call) => call.params[1].body!.byteLength);
    expect(lengths).toEqual([60_000, 65_536]);
  });

  it('runs middleware on its path and below: refuses without the token, passes on the request it returns', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await http(port, '/private/whoami')).toMatchObject({ status: 403 });
    const passed = await http(port, '/private/whoami', { headers: { 'x-token': 'secret' } });
    expect(passed.status).toBe(200);
    expect((JSON.parse(passed.body) as { headers: [string, string][] }).headers).toContainEqual(['x-checked', 'yes']);
    // Paths outside /private never reach the middleware.
    const seen = JSON.parse((await http(port, '/whoami')).body) as { headers: [string, string][] };
    expect(seen.headers.some(([name]) => name === 'x-checked')).toBe(false);
    const calls = (await actor.events())
      .filter((event) => event.type === 'wasm.call')
      .map((event) => (decodeEventData(event.data) as { function: string }).function);
    expect(calls.filter((fn) => fn === 'handle-middleware')).toHaveLength(2);
  });

  it('answers 400 to a request target that is not a path, which would pass the middleware by', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    // A catch-all route: `GET http://host/private/whoami` would match it, its path never covered by the middleware.
    expect(await ask(actor, 'route GET /* whoami')).toMatch(/^[0-9]+$/u);
    const exchange = (target: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port });
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
        socket.once('error', reject);
        socket.once('close', () => resolve(received));
        socket.write(`GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
      });
    for (const target of [`http://127.0.0.1:${port}/private/whoami`, '*']) {
      const answer = await exchange(target);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /u);
      expect(answer, target).not.toContain('whoami');
    }
    const served = (await actor.events())
      .filter((event) => event.type === 'wasm.call')
      .map((event) => decodeEventData(event.data) as { interface: string })
      .filter((call) => call.interface === 'theater:simple/http-handlers');
    expect(served).toHaveLength(0);
  });
});

describe('http-framework: failures', () => {
  it('answers 500 for an invalid response, logs it, and keeps serving', async () => {
    await using system = await testSystem();
    const logs: string[] = [];
    system.inspect((event: InspectionEvent) => {
      if (event.type === 'actor.log') logs.push(event.message);
    });
    const { actor, port } = await started(system);
    expect(await http(port, '/bad-status')).toMatchObject({ status: 500, body: 'internal server error\n' });
    expect(await http(port, '/bad-header')).toMatchObject({ status: 500 });
    expect(logs).toEqual([
      "http-framework: GET /bad-status: the actor's response is invalid (invalid status 1000); answered 500",
      expect.stringMatching(
        /^http-framework: GET \/bad-header: the actor's response is invalid \(header "bad header": .*\); answered 500$/u,
      ),
    ]);
    expect(await http(port, '/hello')).toMatchObject({ status: 200, body: 'hello' });
    expect(actor.status).toBe('running');
  });

  it('answers 500 when the actor fails on a request, and closes its servers as it ends', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await http(port, '/fail')).toMatchObject({ status: 500, body: 'internal server error\n' });
    const exit = await actor.exited;
    expect(exit).toMatchObject({ status: 'failed', failure: { reason: 'guest-error', message: 'requested failure' } });
    await expect.poll(() => dial(port)).toBe('ECONNREFUSED');
  });

  it('answers 503 with Retry-After when the mailbox is full, and loses none it accepted', async () => {
    await using system = await testSystem();
    const manifest = await manifestOf('webserver');
    const actor = await system.spawn({ ...manifest, limits: { ...manifest.limits, mailbox: 1 } });
    const port = Number(await ask(actor, 'start'));
    let ok = 0;
    let busy = 0;
    // Bursts of simultaneous requests overrun a one-slot mailbox; a few bursts make sure one does.
    for (let round = 0; round < 10 && busy === 0; round++) {
      const answers = await Promise.all(Array.from({ length: 64 }, (_, i) => fetch(`http://127.0.0.1:${port}/hit/${i}`)));
      for (const [i, answer] of answers.entries()) {
        const body = await answer.text();
        if (answer.status === 200) {
          expect(body).toBe(`hit ${i}`);
          ok++;
        } else {
          expect(answer.status).toBe(503);
          expect(answer.headers.get('retry-after')).toBe('1');
          busy++;
        }
      }
    }
    expect(busy).toBeGreaterThan(0);
    expect(await ask(actor, 'hits')).toBe(String(ok));
  });
});

describe('http-framework: permissions and lifecycle', () => {
  it('refuses to start an actor granted http-framework that does not export http-handlers', async () => {
    await using system = await testSystem();
    const echo = await manifestOf('echo');
    const granted = { ...echo, handlers: [...echo.handlers, { type: 'http-framework' as const, maxRequestBytes: 1024, maxServers: 1 }] };
    await expect(system.spawn(granted)).rejects.toMatchObject({
      code: 'export-missing',
      message: 'the component does not export theater:simple/http-handlers, which the http-framework handler requires',
    });
  });

  it('refuses a host that is not loopback, and records the denial', async () => {
    await using system = await testSystem();
    const actor = await system.spawn(await manifestOf('webserver'));
    const denial = 'permission-denied: host "0.0.0.0" is not a loopback address (allowed: 127.0.0.1, localhost, ::1)';
    expect(await ask(actor, 'create 0.0.0.0')).toBe(`error:${denial}`);
    const recorded = (await actor.events()).filter((event) => event.type === 'theater:simple/http-framework.create-server').at(-1)!;
    expect(decodeEventData(recorded.data)).toEqual({ args: [{ host: '0.0.0.0' }], error: denial });
    expect(await ask(actor, 'create 192.0.2.1 8080')).toBe(
      'error:permission-denied: host "192.0.2.1" is not a loopback address (allowed: 127.0.0.1, localhost, ::1)',
    );
    expect(await ask(actor, 'create ::ffff:127.0.0.1')).toMatch(/^error:permission-denied: host "::ffff:127.0.0.1"/u);
    expect(await ask(actor, 'tls')).toBe('error:TLS is not supported: serve plain HTTP on loopback and terminate TLS in front of it');
  });

  it('binds localhost to 127.0.0.1, keeps to max_servers, and forgets destroyed servers', async () => {
    await using system = await testSystem();
    const actor = await system.spawn(await manifestOf('webserver'));
    expect(await ask(actor, 'create localhost')).toBe('2');
    expect(await ask(actor, 'create ::1')).toBe('error:permission-denied: the actor already has 2 servers (max_servers is 2)');
    expect(await ask(actor, 'route GET /items/:id item 2')).toBe('11');
    const port = Number(await ask(actor, 'start 2'));
    expect(JSON.parse(await ask(actor, 'info 2'))).toMatchObject({
      id: 2,
      host: 'localhost',
      port,
      running: true,
      routesCount: 1,
      middlewareCount: 0,
      websocketEnabled: false,
    });
    expect(await http(port, '/items/3')).toMatchObject({ status: 200, body: 'item 3' });
    expect(await ask(actor, 'destroy 2')).toBe('ok');
    expect(await dial(port)).toBe('ECONNREFUSED');
    expect(await ask(actor, 'info 2')).toBe('error:unknown server 2');
    expect(await ask(actor, 'start 2')).toBe('error:unknown server 2');
    expect(await ask(actor, 'unroute 11')).toBe('error:unknown route 11');
    expect(await ask(actor, 'create ::1')).toBe('3');
  });

  it('refuses a port that is in use', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await ask(actor, `create 127.0.0.1 ${port}`)).toBe('2');
    expect(await ask(actor, 'start 2')).toBe(`error:127.0.0.1:${port} is already in use`);
  });

  it('stop-server closes the listener and open connections; start-server listens again', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    const client = await openSocket(port, '/ws');
    expect(await ask(actor, 'stop')).toBe('ok');
    expect(await dial(port)).toBe('ECONNREFUSED');
    await client.closed;
    expect(JSON.parse(await ask(actor, 'info'))).toMatchObject({ running: false });
    expect(await ask(actor, 'stop')).toBe('ok');
    const again = Number(await ask(actor, 'start'));
    expect(await http(again, '/hello')).toMatchObject({ status: 200, body: 'hello' });
    expect(await ask(actor, 'destroy')).toBe('ok');
    expect(await dial(again)).toBe('ECONNREFUSED');
    expect(await ask(actor, 'stop')).toBe('error:unknown server 1');
    expect(await ask(actor, 'destroy')).toBe('error:unknown server 1');
  });

  it('closes every server and WebSocket when the actor stops', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await ask(actor, 'create - 0')).toBe('2');
    const second = Number(await ask(actor, 'start 2'));
    const client = await openSocket(port, '/ws');
    await actor.stop();
    await client.closed;
    expect(await dial(port)).toBe('ECONNREFUSED');
    expect(await dial(second)).toBe('ECONNREFUSED');
  });
});

describe('http-framework: WebSockets', () => {
  it('dispatches connect, messages and disconnect, sending replies back in order', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    const client = await openSocket(port, '/ws?room=1');
    client.socket.send('hi');
    expect(await client.next(1)).toEqual(['echo:hi']);
    // Several replies to one message, interleaved with single ones: every reply in the order of the messages.
    const burst = Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? 'many' : `m${i}`));
    for (const message of burst) client.socket.send(message);
    const expected = ['echo:hi', ...burst.flatMap((message) => (message === 'many' ? ['one', 'two', 'three'] : [`echo:${message}`]))];
    expect(await client.next(expected.length)).toEqual(expected);
    client.socket.send(new Uint8Array([1, 2, 3]));
    expect((await client.next(expected.length + 1)).at(-1)).toEqual(new Uint8Array([1, 2, 3]));
    client.socket.close();
    await client.closed;
    expect(JSON.parse(await poll(actor, 'events', (reply) => reply.includes('disconnect')))).toEqual([
      'connect 1 /ws room=1',
      'disconnect 1',
    ]);
    // The actor closing from a reply.
    const second = await openSocket(port, '/ws');
    second.socket.send('bye');
    expect((await second.closed).code).toBe(1000);
    const events = JSON.parse(await poll(actor, 'events', (reply) => reply.includes('disconnect 2'))) as string[];
    expect(events.slice(2)).toEqual(['connect 2 /ws -', 'disconnect 2']);
    const messages = (await actor.events())
      .filter((event) => event.type === 'wasm.call')
      .map((event) => decodeEventData(event.data) as { function: string; params: unknown[] })
      .filter((call) => call.function === 'handle-websocket-message');
    expect(messages[0]!.params).toEqual([12n, 1n, { ty: { tag: 'text' }, text: 'hi' }]);
    // The chain holds what replay needs, a connection without a query included.
    await actor.stop();
    expect(await system.replay(actor.id)).toMatchObject({ ok: true });
  });

  it('sends and closes from the actor, refusing unknown or closed connections', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    const client = await openSocket(port, '/ws');
    await poll(actor, 'events', (reply) => reply.includes('connect 1'));
    expect(await ask(actor, 'send 1 hello there')).toBe('ok');
    expect(await ask(actor, 'sendbin 1 raw')).toBe('ok');
    expect(await client.next(2)).toEqual(['hello there', new TextEncoder().encode('raw')]);
    expect(await ask(actor, 'send 9 x')).toBe('error:server 1 has no WebSocket connection 9');
    expect(await ask(actor, 'close 1')).toBe('ok');
    expect((await client.closed).code).toBe(1000);
    await poll(actor, 'events', (reply) => reply.includes('disconnect 1'));
    expect(await ask(actor, 'send 1 x')).toBe('error:server 1 has no WebSocket connection 1');
    expect(await ask(actor, 'close 1')).toBe('error:server 1 has no WebSocket connection 1');
  });

  it('runs middleware on upgrades and refuses paths without WebSockets', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    expect(await refusedUpgrade(port, '/private/ws')).toBe(403);
    expect(await refusedUpgrade(port, '/hello')).toBe(404);
    const client = await openSocket(port, '/private/ws', { 'x-token': 'secret' });
    client.socket.send('in');
    expect(await client.next(1)).toEqual(['echo:in']);
    expect(await ask(actor, 'ws /more')).toBe('ok');
    const more = await openSocket(port, '/more');
    more.socket.send('x');
    expect(await more.next(1)).toEqual(['echo:x']);
    client.socket.close();
    more.socket.close();
    await Promise.all([client.closed, more.closed]);
  });
});

/** Stops reading on a client's TCP socket (writing goes on): what the server sends piles up on the server. */
function stopReading(socket: WebSocket): Socket {
  const raw = (socket as unknown as { _socket: Socket })._socket;
  raw.pause();
  return raw;
}

/** The actor's `actor.log` lines, collected as they come. */
function logsOf(system: ActorSystem): string[] {
  const logs: string[] = [];
  system.inspect((event: InspectionEvent) => {
    if (event.type === 'actor.log') logs.push(event.message);
  });
  return logs;
}

describe('http-framework: clients that do not read', () => {
  // The webserver manifest has max_request_bytes = 65536: at most 4 × 65536 bytes may wait for a client.
  const limit = 4 * 65_536;
  const stalledLine = (connection: number) =>
    new RegExp(
      `^http-framework: connection ${connection} of server 1 is not reading: ([0-9]+) bytes would be waiting \\(at most ${limit}\\); closed with 1008$`,
      'u',
    );

  it('closes a connection whose echoed replies pile up past the limit, runs its disconnect handler, and keeps serving', async () => {
    await using system = await testSystem();
    const logs = logsOf(system);
    const { actor, port } = await started(system);
    const stalled = await openSocket(port, '/ws');
    await poll(actor, 'events', (reply) => reply.includes('connect 1'));
    stopReading(stalled.socket);
    // Each 60 000-byte message is echoed; the loopback's kernel buffers take a few MiB before anything waits in the
    // server. A request after each few messages goes through the same mailbox, so the flood keeps to the actor's pace.
    const message = 'x'.repeat(60_000);
    for (let round = 0; round < 300 && !logs.some((line) => stalledLine(1).test(line)); round++) {
      for (let i = 0; i < 4; i++) stalled.socket.send(message);
      await ask(actor, 'port');
    }
    const line = logs.find((candidate) => stalledLine(1).test(candidate));
    expect(line).toBeDefined();
    expect(Number(stalledLine(1).exec(line!)![1])).toBeGreaterThan(limit);
    // The client never takes the close frame: it is dropped, and the actor hears of it as of any close.
    expect(JSON.parse(await poll(actor, 'events', (reply) => reply.includes('disconnect 1'), 1000))).toEqual([
      'connect 1 /ws -',
      'disconnect 1',
    ]);
    expect(await ask(actor, 'send 1 x')).toBe('error:server 1 has no WebSocket connection 1');

    const other = await openSocket(port, '/ws');
    other.socket.send('still here');
    expect(await other.next(1)).toEqual(['echo:still here']);
    expect(await http(port, '/hello')).toMatchObject({ status: 200, body: 'hello' });
    expect(actor.status).toBe('running');
    other.socket.close();
    stalled.socket.terminate();
  });

  it('refuses send-websocket-message past the limit with an err, and the client that reads again gets 1008', async () => {
    await using system = await testSystem();
    const logs = logsOf(system);
    const { actor, port } = await started(system);
    const stalled = await openSocket(port, '/ws');
    await poll(actor, 'events', (reply) => reply.includes('connect 1'));
    const raw = stopReading(stalled.socket);
    // Each send returns once queued: the actor is never blocked by the client, and it is told when the limit is hit.
    const text = 'y'.repeat(32_000);
    let reply = 'ok';
    let sends = 0;
    while (reply === 'ok' && sends < 1000) {
      reply = await ask(actor, `send 1 ${text}`);
      sends++;
    }
    expect(reply).toMatch(
      new RegExp(`^error:connection 1 of server 1 is not reading: [0-9]+ bytes would be waiting \\(at most ${limit}\\)$`, 'u'),
    );
    const problem = reply.slice('error:'.length);
    // Read again at once, within the grace the server leaves for the close frame: everything queued, then 1008.
    raw.resume();
    const closed = await stalled.closed;
    expect(closed).toEqual({ code: 1008, reason: 'not reading: too much data is waiting' });
    expect(stalled.received).toHaveLength(sends - 1);
    expect(stalled.received.every((received) => received === text)).toBe(true);
    expect(logs).toContain(`http-framework: ${problem}; closed with 1008`);
    await poll(actor, 'events', (events) => events.includes('disconnect 1'));
    expect(await ask(actor, 'send 1 x')).toBe('error:server 1 has no WebSocket connection 1');
    // The refused send is recorded in the chain like any host call.
    const recorded = (await actor.events()).filter((event) => event.type === 'theater:simple/http-framework.send-websocket-message');
    expect(recorded).toHaveLength(sends + 1);
    expect(decodeEventData(recorded[sends - 1]!.data)).toEqual({ args: [1n, 1n, { ty: { tag: 'text' }, text }], error: problem });

    const other = await openSocket(port, '/ws');
    await poll(actor, 'events', (events) => events.includes('connect 2'));
    expect(await ask(actor, 'send 2 fine')).toBe('ok');
    expect(await other.next(1)).toEqual(['fine']);
    other.socket.close();
  });
});

describe('http-framework: the chain and load', () => {
  it('records each request as an http-handlers.handle-request call with its request, and replays', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    await http(port, '/items/7?full=1', { headers: { 'x-trace': 'abc' } });
    await http(port, '/echo', { method: 'POST', body: 'payload' });
    const calls = (await actor.events())
      .filter((event) => event.type === 'wasm.call')
      .map(
        (event) =>
          decodeEventData(event.data) as {
            interface: string;
            function: string;
            params: [bigint, { method: string; uri: string; headers: [string, string][]; body?: Uint8Array }];
          },
      )
      .filter((call) => call.interface === 'theater:simple/http-handlers');
    expect(calls.map((call) => [call.function, call.params[0], call.params[1].method, call.params[1].uri])).toEqual([
      ['handle-request', 2n, 'GET', '/items/7?full=1'],
      ['handle-request', 3n, 'POST', '/echo'],
    ]);
    expect(calls[0]!.params[1].headers).toContainEqual(['x-trace', 'abc']);
    expect(calls[0]!.params[1].body).toBeUndefined();
    expect(decode(calls[1]!.params[1].body)).toBe('payload');
    await actor.stop();
    expect(await system.replay(actor.id)).toMatchObject({ ok: true });
  });

  it('serves 300 requests, 30 at a time, losing none', async () => {
    await using system = await testSystem();
    const { actor, port } = await started(system);
    const total = 300;
    let next = 0;
    const answers: Answer[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        for (let i = next++; i < total; i = next++) {
          const answer = await http(port, `/hit/${i}`);
          answers[i] = answer;
        }
      }),
    );
    expect(answers.filter((answer, i) => answer.status === 200 && answer.body === `hit ${i}`)).toHaveLength(total);
    expect(await ask(actor, 'hits')).toBe(String(total));
  });
});
