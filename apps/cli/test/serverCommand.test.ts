/** `theater server`: foreground with a graceful stop on SIGTERM, `--detach`, one server per home, a non-loopback warning. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openChainStore } from '@theater/event-chain';
import { resolveTheaterHome } from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { startServerProcess } from './helpers/serverProcess.js';
import { createTempDir } from './helpers/tempDir.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';

const execTheater = async (argv: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...theaterNodeArgs(), ...argv]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
};

async function tempHome(name: string): Promise<string> {
  const home = await createTempDir(name);
  onTestFinished(home.remove);
  return home.path;
}

describe('theater server', () => {
  it('stops on SIGTERM: its actors stop with a signed checkpoint at the head of each chain, server.json goes, exit 0', async () => {
    const home = await tempHome('server-stop');
    const server = await startServerProcess(home);
    expect(server.output()).toContain(`theater server listening on ${server.url}`);
    const started = await server.api<{ actor: { id: string } }>('POST', '/v1/actors', { path: testActorManifest('echo') });
    expect(started.status).toBe(201);
    const { id } = started.body.actor;
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('SIGTERM: stopping the actors');
    expect(existsSync(join(home, 'server.json'))).toBe(false);

    const { dbDir, chainLogDir } = resolveTheaterHome(home);
    const store = await openChainStore(dbDir, { log: { dir: chainLogDir } });
    try {
      const head = await store.head(id);
      expect(head?.type).toBe('actor.stop');
      expect((await store.checkpoints(id)).map((checkpoint) => checkpoint.seq)).toContain(head!.seq);
    } finally {
      await store.close();
    }
    // Started again without --resume, it says what waits.
    const again = await startServerProcess(home);
    expect(again.output()).toContain('1 actor the last server was running wait: `theater server --resume` brings them back');
    expect(await again.stop()).toBe(0);
  });

  it('detaches: prints the URL and pid once it serves; a second server on the home is refused (exit 2); server stop stops it', async () => {
    const home = await tempHome('server-detach');
    const detached = await execTheater(['server', '--home', home, '--detach', '--json']);
    expect(detached.code).toBe(0);
    const info = JSON.parse(detached.stdout) as { url: string; pid: number; home: string; log: string };
    onTestFinished(() => {
      try {
        process.kill(info.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    });
    expect(info).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/u), home, log: join(home, 'server.log') });
    const health = await fetch(`${info.url}/v1/health`);
    expect(health.status).toBe(401);

    const detachedAgain = await execTheater(['server', '--home', home, '--detach', '--json']);
    expect(detachedAgain.code).toBe(2);
    expect(JSON.parse(detachedAgain.stdout)).toMatchObject({ error: { code: 'server-running' } });
    const second = await execTheater(['server', '--home', home, '--json']);
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stdout)).toMatchObject({
      error: { code: 'server-running', message: expect.stringContaining(`pid ${info.pid}`) },
    });
    const stopped = await execTheater(['server', 'stop', '--home', home, '--json']);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toEqual({ pid: info.pid, url: info.url, home });
    expect(existsSync(join(home, 'server.json'))).toBe(false);
    const again = await execTheater(['server', 'stop', '--home', home]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`server-not-running: no server runs on ${home}`);
  });

  it('warns when it binds beyond loopback, and refuses a port it cannot bind (exit 2)', async () => {
    const home = await tempHome('server-host');
    const server = await startServerProcess(home, ['--host', '0.0.0.0']);
    expect(server.output()).toContain('warning: binding 0.0.0.0 serves the API beyond this machine');
    const port = new URL(server.url).port;
    const busy = await execTheater(['server', '--home', await tempHome('server-port'), '--port', port, '--host', '0.0.0.0', '--json']);
    expect(busy.code).toBe(2);
    expect(JSON.parse(busy.stdout)).toMatchObject({ error: { code: 'listen-failed' } });
    expect(await server.stop('SIGINT')).toBe(0);
  });
});

describe('theater run on a home a server holds', () => {
  it('is refused with the server named and the way to run the actor in it (exit 2), nothing run', async () => {
    const home = await tempHome('server-run');
    const server = await startServerProcess(home);
    try {
      const refused = await execTheater(['run', testActorManifest('echo'), '--home', home, '--json']);
      expect(refused.code).toBe(2);
      expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'server-running', url: server.url } });
      const human = await execTheater(['run', testActorManifest('echo'), '--home', home]);
      expect(human.stderr).toContain('run the actor in it with `theater start <manifest>`');
      expect((await server.api<{ actors: unknown[] }>('GET', '/v1/actors')).body.actors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
