/**
 * Secrets kept out of the chain: an API key read through `environment` (`secret_vars`) and passed on in an
 * `authorization` header through `http-client` to a fake chat-completions server reaches the server but never the
 * chain, and the chain still replays hash for hash with the server gone and the variable unset.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEventData, readChainFile, type ChainEvent } from '@theater/event-chain';
import { defaultHandlers, type EnvironmentHandlerConfig, type HttpClientHandlerConfig } from '@theater/handlers';
import {
  createActorSystem,
  redacting,
  REDACTED,
  type Actor,
  type HandlerDefinition,
  type HostFunction,
  type Manifest,
} from '@theater/kernel';
import { startFakeLlmServer } from '@theater/test-actors';
import { decode, manifestOf, tempDir, testSystem, text } from './helpers.js';

const KEY_VAR = 'THEATER_FETCHER_KEY';
const PLAIN_VAR = 'THEATER_FETCHER_PLAIN';
const GET_VAR = 'theater:simple/environment.get-var';
const SEND_HTTP = 'theater:simple/http-client.send-http';

let key = '';
beforeEach(() => {
  // A fresh key each run: finding it anywhere in the chain cannot be a coincidence.
  key = `sk-test-${randomBytes(12).toString('hex')}`;
  process.env[KEY_VAR] = key;
  process.env[PLAIN_VAR] = 'plain-value';
});
afterEach(() => {
  delete process.env[KEY_VAR];
  delete process.env[PLAIN_VAR];
});

/** The fetcher's manifest allowing POSTs to `host`, with its environment grant changed by `environment`. */
async function fetcherManifest(host: string, environment: Partial<EnvironmentHandlerConfig> = {}): Promise<Manifest> {
  const base = await manifestOf('fetcher');
  const http: HttpClientHandlerConfig = {
    type: 'http-client',
    allowedHosts: [host],
    allowedMethods: ['GET', 'POST'],
    maxRequestBytes: 4096,
    maxResponseBytes: 4096,
    timeoutMs: 2000,
  };
  return {
    ...base,
    handlers: base.handlers.map((handler) => {
      if (handler.type === 'http-client') return http;
      if (handler.type === 'environment') return { ...handler, ...environment };
      return handler;
    }),
  };
}

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** The `bearer` command posting a chat request to `url`, with the key from KEY_VAR. */
function chat(url: string): string {
  const body = JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'Hello?' }] });
  return `bearer ${KEY_VAR} ${JSON.stringify({ method: 'POST', uri: `${url}/chat/completions`, headers: [['content-type', 'application/json']], body })}`;
}

const payloads = (events: readonly ChainEvent[], type: string): unknown[] =>
  events.filter((e) => e.type === type).map((e) => decodeEventData(e.data));

/** Whether `value` (decoded event data) holds `secret` in a string or, as UTF-8, in bytes (recorded as base64). */
function holds(value: unknown, secret: string): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (value instanceof Uint8Array) return Buffer.from(value).includes(secret);
  if (Array.isArray(value)) return value.some((item) => holds(item, secret));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((item) => holds(item, secret));
  return false;
}

/** The events whose data holds `secret`, by type, found in their bytes or anywhere in their decoded data. */
const holding = (events: readonly ChainEvent[], secret: string): string[] =>
  events
    .filter((event) => Buffer.from(event.data).includes(secret) || holds(decodeEventData(event.data), secret))
    .map((event) => event.type);

/** Every file under `dir`, read whole. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name))));
}

describe('secret environment variables', () => {
  it('reach the actor and the server but not the chain, and the chain replays without the server or the variable', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const llm = await startFakeLlmServer({ apiKey: key, script: [{ content: 'Hello from the fake model.' }] });
    const fetcher = await system.spawn(await fetcherManifest(llm.host));

    // The actor gets the real values (the key: the server saw it).
    expect(await ask(fetcher, `env ${PLAIN_VAR}`)).toBe('plain-value');
    const reply = JSON.parse(await ask(fetcher, chat(llm.baseUrl))) as { status: number; body: string };
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({
      choices: [{ message: { role: 'assistant', content: 'Hello from the fake model.' }, finish_reason: 'stop' }],
    });
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]).toMatchObject({ authorization: `Bearer ${key}`, status: 200, body: { model: 'fake-model' } });

    // With the server gone, the request fails; its record withholds the header all the same.
    await llm.close();
    expect(await ask(fetcher, chat(llm.baseUrl))).toMatch(/^error:request failed: .*ECONNREFUSED/);
    await fetcher.stop();

    const events = await fetcher.events();
    expect(payloads(events, GET_VAR)).toEqual([
      { args: [PLAIN_VAR], result: 'plain-value' },
      { args: [KEY_VAR], result: REDACTED, redacted: ['/result'] },
      { args: [KEY_VAR], result: REDACTED, redacted: ['/result'] },
    ]);
    const [sent, refused] = payloads(events, SEND_HTTP) as {
      args: [{ headers: string[][] }];
      result?: unknown;
      error?: string;
      redacted: string[];
    }[];
    expect(sent!.args[0].headers).toEqual([
      ['content-type', 'application/json'],
      ['authorization', REDACTED],
    ]);
    expect(sent!.redacted).toEqual(['/args/0/headers/1/1']);
    expect(sent!.result).toMatchObject({ status: 200 });
    expect(refused).toMatchObject({
      args: [
        {
          headers: [
            ['content-type', 'application/json'],
            ['authorization', REDACTED],
          ],
        },
      ],
      redacted: ['/args/0/headers/1/1'],
    });
    expect(refused!.error).toMatch(/ECONNREFUSED/);

    // Nowhere in the chain, its export, or the files of the Theater home; the plain value is, the same way.
    const exported = Buffer.concat(await collect(system.exportChain(fetcher.id)));
    expect(holding(events, key)).toEqual([]);
    expect(holding(await collect(readChainFile(new Uint8Array(exported)).events()), key)).toEqual([]);
    expect(exported.includes(key)).toBe(false);
    expect(exported.includes('plain-value')).toBe(true);
    const stored = await filesUnder(home.path);
    expect(stored.some((file) => file.includes('plain-value'))).toBe(true);
    expect(stored.some((file) => file.includes(key))).toBe(false);

    // Replayed from the chain alone: no server, no variable; the guest gets REDACTED and passes it on.
    delete process.env[KEY_VAR];
    delete process.env[PLAIN_VAR];
    expect(await system.replay(fetcher.id)).toMatchObject({ ok: true, events: events.length });
    await using otherHome = await tempDir();
    await using elsewhere = createActorSystem({ handlers: defaultHandlers(), home: otherHome.path, poolSize: 1 });
    expect(await elsewhere.replay(readChainFile(new Uint8Array(exported)).events())).toMatchObject({ ok: true, events: events.length });
  });

  it('withholds every credential header sent, whatever its case, and nothing else of the exchange', async () => {
    await using llm = await startFakeLlmServer({ script: [] });
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest(llm.host));
    const headers = [
      ['X-Api-Key', 'credential-1'],
      ['x-trace', 'visible-1'],
      ['Cookie', 'session=credential-2'],
      ['Proxy-Authorization', 'Basic credential-3'],
      ['api-key', 'credential-4'],
      ['X-Goog-Api-Key', 'credential-5'],
      ['x-auth-token', 'credential-6'],
    ];
    const reply = JSON.parse(
      await ask(fetcher, `send ${JSON.stringify({ method: 'POST', uri: `${llm.baseUrl}/models`, headers, body: 'x' })}`),
    ) as { status: number };
    expect(reply.status).toBe(404);
    await fetcher.stop();
    const events = await fetcher.events();
    const [recorded] = payloads(events, SEND_HTTP) as {
      args: [{ headers: string[][] }];
      result: { headers: string[][] };
      redacted: string[];
    }[];
    expect(recorded!.args[0].headers).toEqual(headers.map(([name, value]) => [name, name === 'x-trace' ? value : REDACTED]));
    expect(recorded!.redacted).toEqual([0, 2, 3, 4, 5, 6].map((index) => `/args/0/headers/${index}/1`));
    expect(recorded!.result.headers).toContainEqual(['content-type', 'application/json']);
    // The command's own text (the wasm.call params) holds the values; the recorded request does not.
    expect(holding(events, 'credential-')).toEqual(['wasm.call']);
    expect(await system.replay(fetcher.id)).toMatchObject({ ok: true, events: events.length });
  });

  it('lists a secret variable with its value to the actor and [redacted] to the chain', async () => {
    process.env['THEATER_PROBE_VISIBLE'] = key;
    process.env['THEATER_PROBE_PREFIX_A'] = 'a';
    try {
      await using system = await testSystem();
      const base = await manifestOf('probe');
      const probe = await system.spawn({
        ...base,
        handlers: base.handlers.map((handler) =>
          handler.type === 'environment' ? { ...handler, secretVars: ['THEATER_PROBE_VISIBLE'] } : handler,
        ),
      });
      expect(JSON.parse(await ask(probe, 'vars'))).toEqual([
        ['THEATER_PROBE_PREFIX_A', 'a'],
        ['THEATER_PROBE_VISIBLE', key],
      ]);
      expect(await ask(probe, 'exists THEATER_PROBE_VISIBLE')).toBe('true');
      const events = await probe.events();
      expect(payloads(events, 'theater:simple/environment.list-vars')).toEqual([
        {
          args: [],
          result: [
            ['THEATER_PROBE_PREFIX_A', 'a'],
            ['THEATER_PROBE_VISIBLE', REDACTED],
          ],
          redacted: ['/result/1/1'],
        },
      ]);
      expect(payloads(events, 'theater:simple/environment.exists')).toEqual([{ args: ['THEATER_PROBE_VISIBLE'], result: true }]);
    } finally {
      delete process.env['THEATER_PROBE_VISIBLE'];
      delete process.env['THEATER_PROBE_PREFIX_A'];
    }
  });

  it('refuses a grant whose secret_vars names a variable it cannot read (a misspelling would leave the real one in clear)', async () => {
    await using system = await testSystem();
    const manifest = await fetcherManifest('127.0.0.1', { secretVars: ['THEATER_FETCHER_KY'] });
    await expect(system.spawn(manifest)).rejects.toMatchObject({
      code: 'invalid-grant',
      message:
        'handler[3].secret_vars: THEATER_FETCHER_KY is not readable under this grant (not in allowed_vars or allowed_prefixes, or in denied_vars)',
    });
    const denied = await fetcherManifest('127.0.0.1', { deniedVars: [KEY_VAR] });
    await expect(system.spawn(denied)).rejects.toMatchObject({
      code: 'invalid-grant',
      message: expect.stringContaining(`secret_vars: ${KEY_VAR} is not readable`),
    });
  });

  it('cannot withhold a secret the actor passes on elsewhere: a reply holding it is recorded as it is', async () => {
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest('127.0.0.1'));
    expect(await ask(fetcher, `env ${KEY_VAR}`)).toBe(key);
    const events = await fetcher.events();
    expect(payloads(events, GET_VAR)).toEqual([{ args: [KEY_VAR], result: REDACTED, redacted: ['/result'] }]);
    // The reply is the actor's own output, which no handler sees.
    expect(holding(events, key)).toEqual(['wasm.result']);
  });

  it('fails the actor, recording neither args nor result, when a handler cannot tell what to withhold', async () => {
    // A handler bug: the redaction throws. The call must not be recorded in clear, nor be recorded as a plain failure.
    const broken = defaultHandlers().map(
      (handler): HandlerDefinition =>
        handler.type !== 'environment'
          ? handler
          : {
              ...handler,
              create: (context) => {
                const host = handler.create(context);
                const environment = host['theater:simple/environment']!;
                const getVar = environment['getVar'] as (name: string) => unknown;
                const throwing = redacting(((name: string) => getVar(name)) as HostFunction, () => {
                  throw new Error('a redaction bug');
                });
                return { ...host, 'theater:simple/environment': { ...environment, getVar: throwing } };
              },
            },
    );
    // Disposed after the system (in reverse order of declaration).
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: broken, home: home.path, poolSize: 1 });
    const fetcher = await system.spawn(await fetcherManifest('127.0.0.1'));
    await expect(ask(fetcher, `env ${KEY_VAR}`)).rejects.toThrow();
    expect(fetcher.status).toBe('failed');
    const events = await fetcher.events();
    expect(payloads(events, GET_VAR)).toEqual([
      { error: `internal error: the ${GET_VAR} handler could not tell what to withhold from the chain` },
    ]);
    expect(holding(events, key)).toEqual([]);
  });

  it('records a variable not in secret_vars with its value, as before', async () => {
    await using system = await testSystem();
    const fetcher = await system.spawn(await fetcherManifest('127.0.0.1', { secretVars: [] }));
    expect(await ask(fetcher, `env ${KEY_VAR}`)).toBe(key);
    expect(payloads(await fetcher.events(), GET_VAR)).toEqual([{ args: [KEY_VAR], result: key }]);
  });
});

async function collect<T>(chunks: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}
