import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../src/lib/runJson.js';
import { runTheater } from './helpers/runTheater.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';
import { createTempDir } from './helpers/tempDir.js';

let home: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  home = await createTempDir('run');
});
afterAll(async () => {
  await home.remove();
});

const run = (...argv: string[]) => runTheater(['run', ...argv, '--home', home.path]);

/** Runs `theater <argv>` as a process of its own, as a user would. */
function theaterProcess(argv: readonly string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    const child = spawn(process.execPath, [...theaterNodeArgs(), ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

describe('theater run', () => {
  it('prints logs, replies and the final state in command-line order', async () => {
    const { stdout, stderr, exitCode } = await run(
      testActorManifest('echo'),
      '--send',
      'hello',
      '--request',
      'ping',
      '--send',
      'big world',
      '--request',
      'state',
    );
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\[echo\] init [0-9a-f-]{36}$/u);
    expect(lines.slice(1, 5)).toEqual([
      '[echo] got hello',
      'reply to "ping": echo:ping',
      '[echo] got big world',
      'reply to "state": {"count":2}',
    ]);
    expect(lines.slice(5, 8)).toEqual(['state: {', '  "count": 2', '}']);
    expect(lines[8]).toMatch(
      /^ran echo \([0-9a-f]{8}\) · spawned in [\d.]+ m?s · component cache: (transpiled in [\d.]+ m?s|disk hit|memory hit) · \d+ events$/u,
    );
  });

  it('reports a component cache hit when the component was transpiled before', async () => {
    await run(testActorManifest('echo'));
    const { stdout, exitCode } = await run(testActorManifest('echo'));
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/component cache: (disk|memory) hit/u);
  });

  it('prints one JSON object with --json', async () => {
    const { stdout, exitCode } = await run(testActorManifest('echo'), '--request', 'a', '--send', 'x', '--request', 'b', '--json');
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as RunJson;
    expect(json.name).toBe('echo');
    expect(json.actorId).toMatch(/^[0-9a-f-]{36}$/u);
    expect(json.replies).toEqual([
      { request: 'a', reply: 'echo:a', replyHex: Buffer.from('echo:a').toString('hex') },
      { request: 'b', reply: 'echo:b', replyHex: Buffer.from('echo:b').toString('hex') },
    ]);
    expect(json.logs.map((entry) => entry.message)).toEqual([`init ${json.actorId}`, 'got x']);
    expect(json.state).toEqual({ count: 1 });
    expect(json.stateText).toBe('{"count":1}');
    expect(json.events).toBeGreaterThan(0);
    expect(json.delivered).toBe(3);
    expect(json.failure).toBeNull();
    expect(json.spawn?.cache).toMatch(/^(memory|disk|transpiled)$/u);
  });

  it('sends messages that look like flags when given attached to their flag', async () => {
    const { stdout, stderr, exitCode } = await run(
      testActorManifest('echo'),
      '--send=--json',
      '-s=--help',
      '--request=--send',
      '-r-x',
      '--json',
    );
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as RunJson;
    expect(json.logs.map((entry) => entry.message)).toEqual([`init ${json.actorId}`, 'got --json', 'got --help']);
    expect(json.replies.map(({ request, reply }) => ({ request, reply }))).toEqual([
      { request: '--send', reply: 'echo:--send' },
      { request: '-x', reply: 'echo:-x' },
    ]);
    expect(json.delivered).toBe(4);
  });

  it('prints binary replies and state as hex with their size', async () => {
    const { stdout, exitCode } = await run(testActorManifest('small'), '--send', 'a', '--request', 'b', '--send', 'c');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('reply to "b": 0x01000000 (4 bytes)');
    expect(stdout).toContain('state: 0x02000000 (4 bytes)');
  });

  it('warns when the actor stops itself before every message is delivered', async () => {
    const { stdout, stderr, exitCode } = await run(testActorManifest('echo'), '--request', 'shutdown', '--send', 'too late');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('reply to "shutdown": bye');
    expect(stdout).not.toContain('too late');
    expect(stderr).toContain('echo stopped itself; 1 message(s) not delivered');
  });

  it('exits 2 and lists every problem of an invalid manifest', async () => {
    const manifest = join(home.path, 'bad.toml');
    await writeFile(manifest, 'name = 3\nversion = "0.1.0"\n\n[limits]\nmemory_mb = -5\n');
    const { stdout, stderr, exitCode } = await run(manifest);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContain(`${manifest}: component: missing required field (expected a non-empty string)`);
    expect(lines).toContain(`${manifest}: name: expected a non-empty string, got 3 (line 1)`);
    expect(lines.some((line) => line.startsWith(`${manifest}: limits.memory_mb:`) && line.endsWith('(line 5)'))).toBe(true);
    expect(stderr).not.toMatch(/^\s+at /mu);
  });

  it('prints the problems of an invalid manifest as JSON with --json', async () => {
    const manifest = join(home.path, 'bad-json.toml');
    await writeFile(manifest, 'version = 1\n');
    const { stdout, exitCode } = await run(manifest, '--json');
    expect(exitCode).toBe(2);
    const json = JSON.parse(stdout) as { error: { code: string; problems: { field: string }[] } };
    expect(json.error.code).toBe('invalid-manifest');
    expect(json.error.problems.map((problem) => problem.field).sort()).toEqual(['component', 'name', 'version']);
  });

  it('exits 2 when the manifest does not exist', async () => {
    const { stderr, exitCode } = await run(join(home.path, 'missing.toml'));
    expect(exitCode).toBe(2);
    expect(stderr).toContain('missing.toml');
  });

  it('exits 1 with the failure reason when the actor fails in init', async () => {
    const { stdout, stderr, exitCode } = await run(testActorManifest('init-error'), '--send', 'never');
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    const [failure, undelivered, chain] = stderr.trimEnd().split('\n');
    expect(failure).toBe('actor init-error failed in theater:simple/actor#init: init-failed: init refused: bad config');
    expect(undelivered).toBe('1 message after the failure not delivered');
    // The id to follow up with: the chain is kept in the home.
    expect(chain).toMatch(/^its chain: theater events [0-9a-f]{8} \(actor [0-9a-f-]{36}, \d+ events\)$/u);
  });

  it('reports an init failure in the JSON output with --json', async () => {
    const { stdout, exitCode } = await run(testActorManifest('init-error'), '--json');
    expect(exitCode).toBe(1);
    const json = JSON.parse(stdout) as RunJson;
    expect(json.failure).toMatchObject({ reason: 'init-failed', message: 'init refused: bad config' });
    expect(json.delivered).toBe(0);
  });

  it('exits 1 when the actor traps while handling a message, after printing what came before', async () => {
    const { stdout, stderr, exitCode } = await run(
      testActorManifest('trapper'),
      '--request',
      'before',
      '--send',
      'trap',
      '--send',
      'after',
    );
    expect(exitCode).toBe(1);
    expect(stdout).toContain('reply to "before":');
    expect(stderr).toMatch(/^actor trapper failed in theater:simple\/message-server-client#handle-send: trap: /u);
    expect(stderr).toContain('\n1 message after the failure not delivered\n');
    const id = /its chain: theater events [0-9a-f]{8} \(actor ([0-9a-f-]{36}),/u.exec(stderr)?.[1];
    expect(id).toBeDefined();
    const events = await runTheater(['events', id!, '--home', home.path, '--json']);
    expect(events.exitCode).toBe(0);
    expect((JSON.parse(events.stdout) as { type: string }[]).at(-1)?.type).toBe('actor.fail');
  });

  for (const handlers of [
    ['runtime', 'message-server'],
    ['runtime', 'message-server', 'timing'],
  ]) {
    it(`leaves the chain's head signed when the actor fails with a guest error, granted ${handlers.join(', ')}`, async () => {
      const manifest = join(home.path, `trapper-${handlers.length}.toml`);
      const grants = handlers.map((type) => `[[handler]]\ntype = "${type}"\n`).join('');
      await writeFile(
        manifest,
        `name = "trapper"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent('trapper'))}\n${grants}`,
      );
      // As a process: a failed run exits as soon as it has reported, and must not exit before the end is signed.
      const ran = await theaterProcess(['run', manifest, '--send', 'a', '--send', 'fail', '--home', home.path]);
      expect(ran.exitCode).toBe(1);
      expect(ran.stderr).toMatch(
        /^actor trapper failed in theater:simple\/message-server-client#handle-send: guest-error: requested failure\n/u,
      );
      const id = /its chain: theater events [0-9a-f]{8} \(actor ([0-9a-f-]{36}),/u.exec(ran.stderr)?.[1];
      const verified = await runTheater(['chain', 'verify', id!, '--home', home.path, '--json']);
      expect(verified.exitCode).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: 9, checkpoints: 1, unsignedEvents: 0 });
    });
  }

  it('exits 2 with import-not-granted when the component imports what the manifest does not grant', async () => {
    const { stderr, exitCode } = await run(testActorManifest('needs-store'));
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^import-not-granted: the component imports theater:simple\/\S+, which its manifest does not grant/u);
  });
});
