/**
 * `theater events`, `chain verify`, `chain export` and `replay` against a real server on the home (the CLI as a child
 * process): the same output as without one, where the CLI reads the store itself; and `events --follow`.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import type { EventJson } from '../src/lib/chainEventView.js';
import { createTempDir } from './helpers/tempDir.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
/** An actor that ran and stopped before any server: its chain is in the home's store, signed at its stop. */
let storedId: string;
let server: TheaterServer | undefined;

interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `theater <argv> --home <home>` as a process, without a terminal and without colours. */
function theater(...argv: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...theaterNodeArgs(), ...argv, '--home', home],
      { env: cliEnv(), timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ stdout, stderr, exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : 1 });
      },
    );
  });
}

function cliEnv(): NodeJS.ProcessEnv {
  const { THEATER_SERVER: _server, THEATER_TOKEN: _token, THEATER_HOME: _home, ...env } = process.env;
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

/** The commands whose output must not depend on whether a server runs (replay's duration aside). */
const COMMANDS = (): string[][] => [
  ['events', storedId.slice(0, 8)],
  ['events', storedId, '--json'],
  ['events', storedId, '--type', 'wasm', '--from', '2', '--limit', '3'],
  ['events', storedId, '--type', 'wasm.result', '--json'],
  ['chain', 'verify', storedId],
  ['chain', 'verify', storedId, '--json'],
  ['chain', 'verify', storedId, '--trust', 'ab'.repeat(32), '--json'],
  ['chain', 'export', storedId, '-o', join(temp.path, 'exported.chain'), '--force', '--json'],
  ['replay', storedId, '--json'],
  ['replay', storedId, '--component', testActorComponent('keeper'), '--json'],
  ['events', '00000000-0000-4000-8000-000000000000'],
];

/** What must match: replay's durationMs and its human "in 12 ms" differ run to run. */
function comparable(outcome: Outcome): Outcome {
  const scrub = (text: string): string =>
    text.replace(/"durationMs": [\d.]+/gu, '"durationMs": 0').replace(/ in [\d.]+ ?[mµ]?s\b/gu, ' in …');
  return { ...outcome, stdout: scrub(outcome.stdout), stderr: scrub(outcome.stderr) };
}

let withoutServer: Outcome[];

beforeAll(async () => {
  temp = await createTempDir('chain-through-server');
  home = join(temp.path, 'home');
  const system = createActorSystem({ handlers: defaultHandlers(), home });
  try {
    const actor = await system.spawn(testActorManifest('echo'));
    storedId = actor.id;
    for (const text of ['one', 'two', 'three']) await actor.send(new TextEncoder().encode(text));
    await system.stop(storedId);
  } finally {
    await system.close();
  }
  withoutServer = [];
  for (const argv of COMMANDS()) withoutServer.push(comparable(await theater(...argv)));
}, 300_000);
afterAll(async () => {
  await server?.close();
  await temp.remove();
});

describe('without a server', () => {
  it('reads the store itself', () => {
    expect(withoutServer[0]!.exitCode).toBe(0);
    expect(withoutServer[0]!.stdout).toMatch(/^seq {2}time/u);
    expect(withoutServer[4]).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^✓ chain of /u) as unknown });
    expect(withoutServer[6]!.exitCode).toBe(1);
    expect(withoutServer[9]!.exitCode).toBe(1);
    expect(withoutServer[10]).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^actor-not-found: /u) as unknown });
  });

  it('refuses --follow, saying how to start a server (exit 2)', async () => {
    const outcome = await theater('events', storedId, '--follow');
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toMatch(/server-not-running/u);
  });
});

describe('with a server running on the home', () => {
  beforeAll(async () => {
    server = await startTheaterServer({ home });
  });

  it('prints the same, human and --json, as without one (never chain-store-unavailable)', { timeout: 300_000 }, async () => {
    const commands = COMMANDS();
    for (const [i, argv] of commands.entries()) {
      const outcome = comparable(await theater(...argv));
      expect(outcome.stderr).not.toMatch(/chain-store-unavailable/u);
      if (i === commands.length - 1) {
        // An unknown actor: the same code and exit code, in the server's words.
        expect(outcome.exitCode).toBe(2);
        expect(outcome.stderr).toMatch(/^actor-not-found: /u);
        continue;
      }
      expect(outcome, argv.join(' ')).toEqual(withoutServer[i]);
    }
  });

  it('reads and verifies a live actor of the server, which the store alone could not give while the server holds it', async () => {
    const actor = await server!.system.spawn(testActorManifest('echo'));
    await actor.send(new TextEncoder().encode('live'));
    const events = await theater('events', actor.id, '--json');
    expect(events.exitCode).toBe(0);
    expect((JSON.parse(events.stdout) as EventJson[]).length).toBe((await server!.system.events(actor.id)).length);
    const verified = await theater('chain', 'verify', actor.id.slice(0, 8));
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(
      new RegExp(`^✓ chain of ${actor.id}: \\d+ events, 0 signed checkpoints verified\\n! nothing vouches for the chain's end`, 'u'),
    );
    const exported = await theater('chain', 'export', actor.id, '-o', join(temp.path, 'live.chain'), '--json');
    expect(exported.exitCode).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ actor: actor.id, events: (await server!.system.events(actor.id)).length });
    expect((await readFile(join(temp.path, 'live.chain'))).byteLength).toBe((JSON.parse(exported.stdout) as { bytes: number }).bytes);
  });

  it('follows new events with --follow until Ctrl-C, then exits 0', { timeout: 120_000 }, async () => {
    const actor = await server!.system.spawn(testActorManifest('echo'));
    const before = (await server!.system.events(actor.id)).length;
    const child = spawn(
      process.execPath,
      [...theaterNodeArgs(), 'events', actor.id, '--follow', '--json', '--type', 'wasm.call', '--home', home],
      { env: cliEnv() },
    );
    const lines = createInterface({ input: child.stdout });
    const seen: EventJson[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let sent = false;
    // Should it hang, the test fails with what it saw rather than by its timeout.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    for await (const line of lines) {
      seen.push(JSON.parse(line) as EventJson);
      if (!sent) {
        // The history (init's call) came; what follows is live.
        sent = true;
        for (const text of ['a', 'b']) await actor.send(new TextEncoder().encode(text));
      }
      if (seen.length === 3) child.kill('SIGINT');
    }
    const code = await exited;
    clearTimeout(guard);
    expect(code, `${stderr}\n${JSON.stringify(seen)}`).toBe(0);
    expect(seen.map((event) => event.type)).toEqual(['wasm.call', 'wasm.call', 'wasm.call']);
    expect(seen[0]!.seq).toBeLessThan(before);
    expect(seen.slice(1).map((event) => (event.data as { params: { $bytes: string }[] }).params[0]!.$bytes)).toEqual(['YQ==', 'Yg==']);
  });

  it('prints rows as they come without --json, and ends after --limit events', async () => {
    const actor = await server!.system.spawn(testActorManifest('echo'));
    const outcome = await theater('events', actor.id, '--follow', '--limit', '2');
    expect(outcome.exitCode).toBe(0);
    const rows = outcome.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^ {5}0 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}actor\.spawn +echo /u);
    expect(rows[1]).toMatch(/^ {5}1 .* wasm\.call +actor#init\(/u);
  });

  it('answers an unknown actor with --follow as bad input (exit 2)', async () => {
    const outcome = await theater('events', '00000000-0000-4000-8000-000000000000', '--follow', '--json');
    expect(outcome.exitCode).toBe(2);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ error: { code: 'actor-not-found' } });
  });
});
