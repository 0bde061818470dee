/** `theater message send|request` and `theater channel open`, run as processes against a real server in this process. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TheaterClient } from '@theater/client';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorManifest } from '@theater/test-actors';
import { createTempDir } from './helpers/tempDir.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';

const TIME_BOUND_MS = 60_000;

let dir: { path: string; remove: () => Promise<void> };
let home: string;
let server: TheaterServer;
let client: TheaterClient;

beforeAll(async () => {
  dir = await createTempDir('messages');
  home = join(dir.path, 'home');
  server = await startTheaterServer({ home });
  client = new TheaterClient({ url: server.url, token: server.token });
});
afterAll(async () => {
  await server?.close();
  await dir?.remove();
});

interface Ran {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `theater <argv>` with the test home; stdin stays open until the test ends it. */
function startTheater(
  argv: readonly string[],
  env: Record<string, string> = {},
): { child: ChildProcessWithoutNullStreams; done: Promise<Ran>; stdoutLines: () => string[] } {
  const child = spawn(process.execPath, [...theaterNodeArgs(), ...argv], {
    cwd: dir.path,
    env: { ...process.env, THEATER_HOME: home, NO_COLOR: '1', FORCE_COLOR: '0', THEATER_SERVER: '', THEATER_TOKEN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIME_BOUND_MS);
  const done = new Promise<Ran>((resolve) =>
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    }),
  );
  return { child, done, stdoutLines: () => stdout.split('\n').filter((line) => line !== '') };
}

/** Runs `theater <argv>` with stdin closed and waits for it to end. */
function theater(argv: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  const run = startTheater(argv, env);
  run.child.stdin.end();
  return run.done;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + TIME_BOUND_MS / 2;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

async function messengerLog(actorId: string): Promise<string[]> {
  return JSON.parse(decode(await client.messages.request(actorId, 'log'))) as string[];
}

describe('theater message send', () => {
  it('sends a text, a JSON value and a file, each committed when the command ends', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    const text = await theater(['message', 'send', id.slice(0, 8), 'hello']);
    expect(text).toMatchObject({ exitCode: 0, stdout: `delivered to ${id.slice(0, 8)}\n` });
    expect(decode(await client.actors.state(id))).toBe('{"count":1}');

    const json = await theater(['message', 'send', id, '--json', '{"add": 1}', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ delivered: true, actorId: id });
    const file = join(dir.path, 'message.bin');
    await writeFile(file, Buffer.from([0, 1, 2, 255]));
    expect((await theater(['message', 'send', id, '--file', file])).exitCode).toBe(0);
    expect(decode(await client.actors.state(id))).toBe('{"count":3}');

    // What the actor received (echo logs each send as text): the text, and the JSON value as its JSON.
    const logged = (await server.system.events(id)).map((event) => decode(event.data));
    expect(logged.some((data) => data.includes('got hello'))).toBe(true);
    // (the event data may escape the quotes)
    expect(logged.some((data) => /got \{\\*"add\\*":1\}/u.test(data))).toBe(true);
  });

  it('refuses anything but exactly one message, bad JSON and a missing file (exit 2), sending nothing', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    for (const argv of [
      [id],
      [id, 'text', '--file', 'x.bin'],
      [id, '--json', '{"a"', '--json'],
      [id, '--file', join(dir.path, 'missing.bin'), '--json'],
    ]) {
      const ran = await theater(['message', 'send', ...argv]);
      expect(ran.exitCode, argv.join(' ')).toBe(2);
    }
    const bad = await theater(['message', 'send', id, '--json=nope', '--json']);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'invalid-payload' } });
    expect(decode(await client.actors.state(id))).toBe('{"count":0}');
  });

  it('reads a text before --json as the message and --json as the output flag', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    const ran = await theater(['message', 'request', id, '{"not":"json payload"}', '--json']);
    expect(JSON.parse(ran.stdout)).toEqual({
      actorId: id,
      reply: { text: 'echo:{"not":"json payload"}', base64: Buffer.from('echo:{"not":"json payload"}').toString('base64') },
    });
  });

  it('answers an unknown actor with exit 2 and its code', async () => {
    const ran = await theater(['message', 'send', 'no-such-actor', 'x', '--json']);
    expect(ran.exitCode).toBe(2);
    expect(JSON.parse(ran.stdout)).toMatchObject({ error: { code: 'actor-not-found', requestId: expect.any(String) } });
  });

  it('says how to start a server when none runs on the home (exit 2)', async () => {
    const empty = await createTempDir('no-server');
    try {
      const ran = await theater(['message', 'send', 'abcd', 'x'], { THEATER_HOME: empty.path });
      expect(ran.exitCode).toBe(2);
      expect(ran.stderr).toMatch(/server-not-running/u);
      expect(ran.stderr).toMatch(/theater server/u);
    } finally {
      await empty.remove();
    }
  });
});

describe('theater message request', () => {
  it('prints the reply as text, as hex when binary, and as { reply: { text, json, base64 } } with --json', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    expect(await theater(['message', 'request', id, 'hi'])).toMatchObject({ exitCode: 0, stdout: 'echo:hi\n' });
    const state = await theater(['message', 'request', id, 'state', '--json']);
    expect(JSON.parse(state.stdout)).toEqual({
      actorId: id,
      reply: { text: '{"count":0}', json: { count: 0 }, base64: Buffer.from('{"count":0}').toString('base64') },
    });

    const small = await client.actors.start({ path: testActorManifest('small') });
    await client.messages.send(small.id, 'tick');
    expect(await theater(['message', 'request', small.id, 'count'])).toMatchObject({ exitCode: 0, stdout: '0x01000000 (4 bytes)\n' });
    const binary = await theater(['message', 'request', small.id, '--json', '1', '--json']);
    expect(JSON.parse(binary.stdout)).toEqual({ actorId: small.id, reply: { base64: Buffer.from([1, 0, 0, 0]).toString('base64') } });
  });

  it('exits 1 with request-timeout when the actor does not answer in time', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('spinner') });
    const ran = await theater(['message', 'request', id, 'spin', '--json']);
    expect(ran.exitCode).toBe(1);
    expect(JSON.parse(ran.stdout)).toMatchObject({ error: { code: 'request-timeout' } });
  });

  it('uses --server with THEATER_TOKEN instead of the home', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('echo') });
    const elsewhere = await createTempDir('elsewhere');
    try {
      const ran = await theater(['message', 'request', id, 'hi', '--server', server.url], {
        THEATER_HOME: elsewhere.path,
        THEATER_TOKEN: server.token,
      });
      expect(ran).toMatchObject({ exitCode: 0, stdout: 'echo:hi\n' });
      const wrong = await theater(['message', 'request', id, 'hi', '--server', server.url, '--json'], {
        THEATER_HOME: elsewhere.path,
        THEATER_TOKEN: 'wrong',
      });
      expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { code: 'unauthorized' } });
    } finally {
      await elsewhere.remove();
    }
  });
});

describe('theater channel open', () => {
  it('prints the welcome and what the actor sends, sends stdin lines, and ends (exit 0) when the actor closes', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('messenger') });
    const run = startTheater(['channel', 'open', id.slice(0, 8), 'hi there']);
    await eventually(() => run.stdoutLines().length >= 1, 'the welcome');
    expect(run.stdoutLines()).toEqual(['welcome']);
    const opened = (await messengerLog(id)).find((entry) => entry.startsWith('open '))!;
    expect(opened).toMatch(/ hi there$/u);
    const channelId = opened.split(' ')[1]!;

    run.child.stdin.write('one\ntwo\n');
    await eventually(async () => (await messengerLog(id)).filter((entry) => entry.startsWith('msg')).length === 2, 'both lines');
    expect((await messengerLog(id)).filter((entry) => entry.startsWith('msg'))).toEqual([`msg ${channelId} one`, `msg ${channelId} two`]);

    await client.messages.request(id, `chan ${channelId} back to you`);
    await client.messages.request(id, `close ${channelId}`);
    const ran = await run.done;
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('welcome\nback to you\n');
    expect(ran.stderr).toMatch(/the actor closed the channel/u);
  });

  it('closes the channel when stdin ends (exit 0), with --json reporting what was sent and received', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('messenger') });
    const run = startTheater(['channel', 'open', id, '--json']);
    await eventually(async () => (await messengerLog(id)).some((entry) => entry.startsWith('open ')), 'the open');
    const channelId = (await messengerLog(id)).find((entry) => entry.startsWith('open '))!.split(' ')[1]!;
    await client.messages.request(id, `chan ${channelId} {"n":1}`);
    run.child.stdin.end('a line\n');
    const ran = await run.done;
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      actorId: id,
      channelId,
      welcome: { text: 'welcome', base64: Buffer.from('welcome').toString('base64') },
      sent: 1,
      received: [{ text: '{"n":1}', json: { n: 1 }, base64: Buffer.from('{"n":1}').toString('base64') }],
      closedBy: 'client',
    });
    await eventually(async () => (await messengerLog(id)).includes(`close ${channelId}`), 'the close');
    expect(await messengerLog(id)).toContain(`msg ${channelId} a line`);
  });

  it('ends (exit 0) when the actor stops', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('messenger') });
    const run = startTheater(['channel', 'open', id]);
    await eventually(() => run.stdoutLines().length >= 1, 'the welcome');
    await client.actors.stop(id);
    expect((await run.done).exitCode).toBe(0);
  });

  it('refuses a rejected channel and an unknown actor (exit 2)', async () => {
    const { id } = await client.actors.start({ path: testActorManifest('messenger') });
    const rejected = await theater(['channel', 'open', id, 'reject', '--json']);
    expect(rejected.exitCode).toBe(2);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ error: { code: 'channel-rejected' } });
    const unknown = await theater(['channel', 'open', 'no-such-actor']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/actor-not-found/u);
  });
});
