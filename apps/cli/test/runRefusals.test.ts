/** `theater run` with files that are not what a manifest promises, and with deadlines the actor cannot meet. */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testActorComponent } from '@theater/test-actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTheater } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

let home: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  home = await createTempDir('run-refusals');
});
afterAll(async () => {
  await home.remove();
});

const run = (...argv: string[]) => runTheater(['run', ...argv, '--home', home.path]);

/** Writes a manifest named `file` in the home's temp directory; `lines` come after name and version. */
async function manifest(file: string, lines: readonly string[]): Promise<string> {
  const path = join(home.path, file);
  await writeFile(
    path,
    [
      'name = "refused"',
      'version = "0.1.0"',
      ...lines,
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "message-server"',
      '',
    ].join('\n'),
  );
  return path;
}

describe('theater run: the component and init_state must be regular files', () => {
  it('exits 2 with invalid-component when component is "." (the manifest\'s own directory)', async () => {
    const { stdout, stderr, exitCode } = await run(await manifest('dot.toml', ['component = "."']));
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd()).toBe(`invalid-component: component: ${home.path} is a directory, not a regular file`);
  });

  it('exits 2 with invalid-component when component is a directory', async () => {
    const dir = join(home.path, 'actor.wasm');
    await mkdir(dir, { recursive: true });
    const { stderr, exitCode } = await run(await manifest('dir.toml', [`component = ${JSON.stringify(dir)}`]));
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd()).toBe(`invalid-component: component: ${dir} is a directory, not a regular file`);
  });

  it('exits 2 at once with invalid-component when component is /dev/zero, instead of reading it forever', { timeout: 30_000 }, async () => {
    const { stderr, exitCode } = await run(await manifest('zero.toml', ['component = "/dev/zero"']));
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd()).toBe('invalid-component: component: /dev/zero is a character device, not a regular file');
  });

  it('exits 2 at once with invalid-init-state when init_state is a FIFO, instead of waiting for a writer', {
    timeout: 30_000,
  }, async () => {
    const fifo = join(home.path, 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    const path = await manifest('fifo.toml', [`component = ${JSON.stringify(testActorComponent('small'))}`, 'init_state = "state.fifo"']);
    const { stderr, exitCode } = await run(path);
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd()).toBe(`invalid-init-state: init_state: ${fifo} is a FIFO, not a regular file`);
  });

  it('exits 2 when the manifest path is a FIFO, instead of waiting for a writer', { timeout: 30_000 }, async () => {
    const fifo = join(home.path, 'manifest.fifo');
    execFileSync('mkfifo', [fifo]);
    const { stderr, exitCode } = await run(fifo);
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd()).toBe(`${fifo}: (file): the manifest file is a FIFO, not a regular file`);
  });
});

describe('theater run: refusals and deadlines name their field', () => {
  it('exits 2 naming handler[0].path and its line when a filesystem root does not exist', async () => {
    const missing = join(home.path, 'no-such-root');
    const path = await manifest('root.toml', [
      `component = ${JSON.stringify(testActorComponent('small'))}`,
      '[[handler]]',
      'type = "filesystem"',
      `path = ${JSON.stringify(missing)}`,
    ]);
    const { stderr, exitCode } = await run(path);
    expect(exitCode).toBe(2);
    expect(stderr.trimEnd()).toBe(`invalid-grant: handler[0].path (line 6): filesystem root ${missing} does not exist`);
  });

  it('exits 1 naming limits.call_timeout_ms when the actor does not answer a request in time', async () => {
    const path = await manifest('call-timeout.toml', [
      `component = ${JSON.stringify(testActorComponent('spinner'))}`,
      '[limits]',
      'call_timeout_ms = 1',
    ]);
    const { stderr, exitCode } = await run(path, '--request', 'spin');
    expect(exitCode).toBe(1);
    expect(stderr).toContain('limits.call_timeout_ms');
    expect(stderr).toMatch(
      /^(request-timeout: actor refused \(.+\) did not answer the request within 1 ms|actor refused failed in \S+: operation-timeout: operation ran past its 1 ms deadline)/u,
    );
  });

  it('exits 2 with component-not-found for a component not built yet, saying how to build it', async () => {
    const path = await manifest('unbuilt.toml', ['component = "dist/unbuilt.wasm"']);
    const { stderr, exitCode } = await run(path);
    expect(exitCode).toBe(2);
    const [refusal, hint] = stderr.trimEnd().split('\n');
    expect(refusal).toMatch(/^component-not-found: component: \S+unbuilt\.wasm does not exist$/u);
    expect(hint).toMatch(/^build it first: theater build \S+$/u);
  });

  it('exits 1 naming limits.init_timeout_ms when the actor does not start in time', async () => {
    const path = await manifest('init-timeout.toml', [
      `component = ${JSON.stringify(testActorComponent('echo'))}`,
      '[limits]',
      'init_timeout_ms = 1',
    ]);
    const { stderr, exitCode } = await run(path, '--send', 'never');
    expect(exitCode).toBe(1);
    // Instantiation or init itself passes the deadline, whichever comes first: both name the limit.
    expect(stderr.split('\n')[0]).toMatch(
      /^actor refused failed.*: (instantiation|operation) ran past its 1 ms deadline \(limits\.init_timeout_ms\)$/u,
    );
  });
});

describe('theater run: an actor not granted message-server', () => {
  it('exits 2 with permission-denied naming the grant at its first message', async () => {
    const path = join(home.path, 'deaf.toml');
    await writeFile(
      path,
      [
        'name = "deaf"',
        'version = "0.1.0"',
        `component = ${JSON.stringify(testActorComponent('small'))}`,
        '[[handler]]',
        'type = "runtime"',
        '',
      ].join('\n'),
    );
    for (const flag of ['--send', '--request']) {
      const { stdout, stderr, exitCode } = await run(path, flag, 'hello');
      expect(exitCode).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd()).toMatch(
        /^permission-denied: actor deaf \([0-9a-f-]{36}\) receives no messages: its manifest does not grant the message-server handler \(grant it with \[\[handler\]\] type = "message-server"\)$/u,
      );
    }
  });
});
