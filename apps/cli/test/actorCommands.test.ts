/**
 * `theater start|stop|restart|list|tree|inspect|state` end to end: a real server in this process on a temp home, the
 * CLI as a child process finding it through the home (or `--server` and `THEATER_TOKEN`).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorView, TreeNode } from '@theater/client';
import { parseManifest } from '@theater/kernel';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorManifest } from '@theater/test-actors';
import type { InspectJson } from '../src/commands/inspect.js';
import type { ListJson } from '../src/commands/list.js';
import type { StateJson } from '../src/commands/state.js';
import { createTempDir } from './helpers/tempDir.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
let server: TheaterServer;

beforeAll(async () => {
  temp = await createTempDir('actor-commands');
  home = join(temp.path, 'home');
  server = await startTheaterServer({ home });
});
afterAll(async () => {
  await server?.close();
  await temp?.remove();
});

interface Ran {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `theater <argv>` as a process, on the test's home unless `env` says otherwise. */
function theater(argv: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      THEATER_HOME: home,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      THEATER_SERVER: undefined,
      THEATER_TOKEN: undefined,
      ...options.env,
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [...theaterNodeArgs(), ...argv], {
      cwd: options.cwd ?? temp.path,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** Runs a command with --json that must succeed, and parses its output. */
async function json<T>(argv: readonly string[], options?: Parameters<typeof theater>[1]): Promise<T> {
  const ran = await theater([...argv, '--json'], options);
  expect(ran.exitCode, `${argv.join(' ')}\n${ran.stdout}${ran.stderr}`).toBe(0);
  return JSON.parse(ran.stdout) as T;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const ECHO = testActorManifest('echo');
const MANIFESTS = dirname(ECHO);
const SHORT = /\b[0-9a-f]{8}\b/u;

describe('theater start', () => {
  it('starts an actor from a manifest path relative to its directory, with a name and a JSON state', async () => {
    const ran = await theater(['start', 'echo.toml', '--name', 'greeter', '--state', '{"count": 5}'], { cwd: MANIFESTS });
    expect(ran.stderr).toBe('');
    expect(ran.exitCode).toBe(0);
    const [first, hint] = ran.stdout.trimEnd().split('\n');
    expect(first).toMatch(/^started greeter [0-9a-f]{8}$/u);
    const short = first!.match(SHORT)![0];
    expect(hint).toBe(`theater inspect ${short} · theater state ${short} · theater stop ${short}`);
    const actor = server.system.list().find((entry) => entry.id.startsWith(short))!;
    expect(actor.name).toBe('greeter');
    expect(decode(actor.state())).toBe('{"count":5}');
  });

  it('prints { actor } with the full id under --json, and gives the bytes of --state @file as they are', async () => {
    const file = join(temp.path, 'state.bin');
    await writeFile(file, Buffer.from([9, 0, 0, 0]));
    const { actor } = await json<{ actor: ActorView }>(['start', testActorManifest('small'), '--state', `@${file}`]);
    expect(actor).toMatchObject({
      name: 'small',
      status: 'running',
      parentId: null,
      componentHash: expect.stringMatching(/^[0-9a-f]{64}$/u),
    });
    expect(actor.id).toHaveLength(36);
    expect([...(server.system.get(actor.id)?.state() ?? [])]).toEqual([9, 0, 0, 0]);
  });

  it('prints only the full id with --quiet, for scripts', async () => {
    const ran = await theater(['start', '-q', ECHO]);
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toMatch(/^[0-9a-f-]{36}\n$/u);
    expect(server.system.get(ran.stdout.trim())?.status).toBe('running');
  });

  it('refuses a --state that is not JSON, or a file it cannot read, with exit 2, and starts nothing', async () => {
    const running = server.system.list().length;
    const notJson = await theater(['start', ECHO, '--state', '{count: 1}']);
    expect(notJson.exitCode).toBe(2);
    expect(notJson.stderr).toMatch(/^invalid-state: --state is not JSON .*@<file>/u);
    const missing = await theater(['start', ECHO, '--state', '@nowhere.bin', '--json']);
    expect(missing.exitCode).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { code: 'invalid-state', message: expect.stringMatching(/nowhere\.bin: no file at this path/u) },
    });
    expect(server.system.list()).toHaveLength(running);
  });

  it('refuses an invalid or missing manifest with exit 2, naming the problems', async () => {
    const manifest = join(temp.path, 'bad.toml');
    await writeFile(manifest, 'name = "bad"\nversion = 1\n');
    const bad = await theater(['start', 'bad.toml']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^invalid-manifest: /u);
    expect(bad.stderr).toMatch(/version/u);
    const missing = await theater(['start', 'missing.toml', '--json']);
    expect(missing.exitCode).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { code: 'manifest-not-found', problems: [{ field: '(file)' }], requestId: expect.any(String) },
    });
    expect(missing.stderr).toBe('');
  });

  it('exits 1 when the actor fails to start', async () => {
    const ran = await theater(['start', testActorManifest('init-error')]);
    expect(ran.exitCode).toBe(1);
    expect(ran.stderr).toMatch(/^init-failed: .*init refused: bad config/u);
  });
});

describe('theater list, stop, restart and state', () => {
  it('lists running actors in a table with short ids; --json has the full ids and the server', async () => {
    const { actor } = await json<{ actor: ActorView }>(['start', ECHO]);
    const ran = await theater(['list']);
    expect(ran.exitCode).toBe(0);
    const lines = ran.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID {8}NAME +STATUS +PARENT +UPTIME +COMPONENT$/u);
    const row = lines.find((line) => line.startsWith(actor.id.slice(0, 8)));
    expect(row).toMatch(new RegExp(`^${actor.id.slice(0, 8)}  echo +running +- +\\S+( \\S+)? +${actor.componentHash.slice(0, 12)}$`, 'u'));
    expect(ran.stdout).not.toContain(actor.id);
    expect(lines.at(-1)).toMatch(/^\d+ actors?$/u);
    const listed = await json<ListJson>(['list']);
    expect(listed.server).toBe(server.url);
    expect(listed.actors.map((entry) => entry.id)).toContain(actor.id);
    expect(listed.actors.every((entry) => entry.status === 'running')).toBe(true);
  });

  it('stops an actor by prefix; list --all then shows it stopped; a second stop exits 2', async () => {
    const { actor } = await json<{ actor: ActorView }>(['start', ECHO]);
    const stopped = await theater(['stop', actor.id.slice(0, 6)]);
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout).toBe(`stopped echo ${actor.id.slice(0, 8)}\n`);
    expect(server.system.get(actor.id)).toBeUndefined();
    expect((await json<ListJson>(['list'])).actors.map((entry) => entry.id)).not.toContain(actor.id);
    const all = await json<ListJson>(['list', '--all']);
    expect(all.actors.find((entry) => entry.id === actor.id)).toMatchObject({ status: 'stopped', uptimeMs: null });
    const table = await theater(['list', '--all']);
    expect(table.stdout).toMatch(new RegExp(`^${actor.id.slice(0, 8)}  echo +stopped +- +- +[0-9a-f]{12}$`, 'mu'));
    expect(table.stdout).toMatch(/\d+ actors, \d+ running\n$/u);
    const again = await theater(['stop', actor.id, '--json']);
    expect(again.exitCode).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'actor-not-running' } });
  });

  it('restarts an actor with the same id and state; state prints it as pretty JSON, --json with its forms', async () => {
    const { actor } = await json<{ actor: ActorView }>(['start', ECHO]);
    await server.system.send(actor.id, text('one'));
    await server.system.send(actor.id, text('two'));
    const restarted = await json<{ actor: ActorView }>(['restart', actor.id.slice(0, 8)]);
    expect(restarted.actor).toMatchObject({ id: actor.id, status: 'running' });
    expect((await server.system.events(actor.id)).map((event) => event.type)).toContain('actor.restart');
    const human = await theater(['restart', actor.id.slice(0, 8)]);
    expect(human.stdout).toBe(`restarted echo ${actor.id.slice(0, 8)}\n`);

    const state = await theater(['state', actor.id.slice(0, 8)]);
    expect(state.exitCode).toBe(0);
    expect(state.stdout).toBe('{\n  "count": 2\n}\n');
    const stateJson = await json<StateJson>(['state', actor.id.slice(0, 8)]);
    expect(stateJson).toEqual({
      actorId: actor.id,
      state: { bytes: 11, base64: Buffer.from('{"count":2}').toString('base64'), text: '{"count":2}', json: { count: 2 } },
    });
  });

  it('prints a binary state as hex, and no state as (no state)', async () => {
    const small = await json<{ actor: ActorView }>(['start', testActorManifest('small'), '--state', `@${await binaryFile()}`]);
    expect((await theater(['state', small.actor.id])).stdout).toBe('0x02000000 (4 bytes)\n');
    expect((await json<StateJson>(['state', small.actor.id])).state).toEqual({ bytes: 4, base64: 'AgAAAA==' });
    const filer = await json<{ actor: ActorView }>(['start', testActorManifest('filer')]);
    expect((await theater(['state', filer.actor.id])).stdout).toBe('(no state)\n');
    expect(await json<StateJson>(['state', filer.actor.id])).toEqual({ actorId: filer.actor.id, state: null });
  });

  it('refuses an unknown id, a too short prefix and an ambiguous one with exit 2', async () => {
    await server.system.spawn(ECHO, { id: 'beef1111-0000-4000-8000-000000000001' });
    await server.system.spawn(ECHO, { id: 'beef2222-0000-4000-8000-000000000002' });
    const commands = ['stop', 'restart', 'state', 'inspect'];
    for (const [index, ambiguous] of (await Promise.all(commands.map((command) => theater([command, 'beef'])))).entries()) {
      expect(ambiguous.exitCode, commands[index]).toBe(2);
      expect(ambiguous.stderr, commands[index]).toMatch(/^ambiguous-actor-id: beef is the start of 2 actor ids: beef/u);
    }
    const unknown = await theater(['inspect', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(unknown.exitCode).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'actor-not-found', requestId: expect.any(String) } });
    expect((await theater(['state', 'bee'])).stderr).toMatch(/at least 4 characters/u);
    expect((await theater(['inspect', 'beef2'])).stdout).toMatch(/^id {9}beef2222-0000-4000-8000-000000000002$/mu);
  });
});

describe('theater tree and inspect', () => {
  it("draws a supervisor's children under it, and inspect names them", async () => {
    const baseDir = dirname(MANIFESTS);
    const toml = [
      'name = "overseer"',
      'version = "0.1.0"',
      'component = "dist/overseer.wasm"',
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "message-server"',
      '[[handler]]',
      'type = "supervisor"',
    ].join('\n');
    const parent = await server.system.spawn(parseManifest(toml, { handlers: server.system.handlers, baseDir }));
    const children = [
      decode(await server.system.request(parent.id, text('spawn manifests/echo.toml'))),
      decode(await server.system.request(parent.id, text('spawn manifests/echo.toml'))),
    ];

    const ran = await theater(['tree']);
    expect(ran.exitCode).toBe(0);
    const lines = ran.stdout.trimEnd().split('\n');
    const at = lines.findIndex((line) => line.startsWith(`overseer ${parent.id.slice(0, 8)} running`));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/^├─ echo [0-9a-f]{8} running/u);
    expect(lines[at + 2]).toMatch(/^└─ echo [0-9a-f]{8} running/u);
    expect([lines[at + 1]!.slice(8, 16), lines[at + 2]!.slice(8, 16)].sort()).toEqual(children.map((id) => id.slice(0, 8)).sort());

    const { roots } = await json<{ roots: TreeNode[] }>(['tree']);
    const node = roots.find((root) => root.actor.id === parent.id)!;
    expect(node.children.map((child) => child.actor.id).sort()).toEqual([...children].sort());
    expect(roots.map((root) => root.actor.id)).not.toContain(children[0]);

    const inspected = await json<InspectJson>(['inspect', parent.id.slice(0, 8)]);
    expect(inspected.actor).toMatchObject({
      id: parent.id,
      name: 'overseer',
      status: 'running',
      parentId: null,
      startedAt: expect.any(String),
    });
    expect([...inspected.children].sort()).toEqual([...children].sort());
    const child = await json<InspectJson>(['inspect', children[0]!]);
    expect(child).toMatchObject({ actor: { id: children[0], parentId: parent.id }, children: [] });

    const human = await theater(['inspect', parent.id.slice(0, 8)]);
    const fields = Object.fromEntries(
      human.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, 9).trim(), line.slice(11)]),
    );
    expect(fields).toMatchObject({ id: parent.id, name: 'overseer', status: 'running', parent: '-', component: parent.componentHash });
    expect(fields['children']!.split(', ').sort()).toEqual(children.map((id) => id.slice(0, 8)).sort());
    expect(fields['uptime']).toMatch(/^\d+ ms$|^\d+s$|^\d+m \d\ds$/u);

    await server.system.stop(parent.id);
    const stopped = await json<InspectJson>(['inspect', parent.id]);
    expect(stopped).toMatchObject({ actor: { status: 'stopped', startedAt: null }, children: [] });
  });
});

describe('without a server', () => {
  it('says so and how to start one, with exit 2, for every command that needs one', async () => {
    const empty = await createTempDir('no-server');
    try {
      const env = { THEATER_HOME: empty.path };
      const commands = [
        ['start', ECHO],
        ['stop', 'abcd1234'],
        ['restart', 'abcd1234'],
        ['list'],
        ['tree'],
        ['inspect', 'abcd1234'],
        ['state', 'abcd1234'],
      ];
      const runs = await Promise.all(commands.map((argv) => theater(argv, { env })));
      for (const [index, ran] of runs.entries()) {
        expect(ran.exitCode, commands[index]!.join(' ')).toBe(2);
        expect(ran.stderr).toBe(
          `server-not-running: no server runs on ${empty.path}: start one with \`theater server --home ${empty.path}\` (add --resume to bring back what the last one ran)\n`,
        );
      }
      const asJson = await theater(['tree', '--json'], { env });
      expect(asJson.exitCode).toBe(2);
      expect(JSON.parse(asJson.stdout)).toEqual({
        error: { code: 'server-not-running', message: expect.stringContaining('theater server') },
      });
    } finally {
      await empty.remove();
    }
  });

  it("lists the actors of the home's chain store with --all, read from the store itself", async () => {
    const other = await createTempDir('stored-home');
    try {
      const otherServer = await startTheaterServer({ home: other.path });
      const kept = await otherServer.system.spawn(ECHO);
      const failing = await otherServer.system.spawn(testActorManifest('trapper'));
      await otherServer.system.send(failing.id, text('trap')).catch(() => {});
      await failing.exited;
      await otherServer.close();

      const env = { THEATER_HOME: other.path };
      const listed = await json<ListJson>(['list', '--all'], { env });
      expect(listed.server).toBeNull();
      const byId = new Map(listed.actors.map((actor) => [actor.id, actor]));
      expect(byId.size).toBe(2);
      expect(byId.get(kept.id)).toMatchObject({
        name: 'echo',
        status: 'stopped',
        startedAt: null,
        uptimeMs: null,
        parentId: null,
        componentHash: kept.componentHash,
      });
      expect(byId.get(failing.id)).toMatchObject({ name: 'trapper', status: 'failed', failure: { reason: expect.any(String) } });
      const table = await theater(['list', '--all'], { env });
      expect(table.exitCode).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^${failing.id.slice(0, 8)}  trapper +failed `, 'mu'));
      expect(table.stdout).toContain(`no server runs on ${other.path}: read from its chain store`);
      expect((await theater(['list'], { env })).exitCode).toBe(2);
    } finally {
      await other.remove();
    }
  });
});

describe('finding the server', () => {
  it('uses --server and THEATER_TOKEN from anywhere, and refuses a wrong token with exit 2', async () => {
    const nowhere = { THEATER_HOME: join(temp.path, 'no-home') };
    const listed = await json<ListJson>(['list', '--server', server.url], { env: { ...nowhere, THEATER_TOKEN: server.token } });
    expect(listed.server).toBe(server.url);
    const wrong = await theater(['list', '--json'], { env: { THEATER_TOKEN: 'wrong' } });
    expect(wrong.exitCode).toBe(2);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { code: 'unauthorized', requestId: expect.any(String) } });
    const noToken = await theater(['tree', '--server', server.url], { env: nowhere });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toMatch(/^token-missing: /u);
  });
});

async function binaryFile(): Promise<string> {
  const file = join(temp.path, 'two.bin');
  await writeFile(file, Buffer.from([2, 0, 0, 0]));
  return file;
}
