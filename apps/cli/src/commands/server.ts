/** `theater server`: run a long-lived actor system behind the operator API, in the foreground or detached. */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import { resolveTheaterHome } from '@theater/kernel';
import { readServerInfo, startTheaterServer, type TheaterServer } from '@theater/server';
import pc from 'picocolors';
import { CommandFailure } from '../lib/commandFailure.js';
import { EXIT } from '../lib/exitCodes.js';
import { count } from '../lib/pluralize.js';
import { TheaterCommand } from '../lib/theaterCommand.js';
import { confirmedServer } from '../lib/serverConnection.js';
import { clientHome } from '@theater/client';

/** What `theater server --json` prints: the detached server (with --detach), or the server once it stopped. */
export interface ServerJson {
  readonly url: string;
  readonly pid: number;
  readonly home: string;
  /** Actors brought back by --resume (ids), and those that could not be, with why. */
  readonly resumed: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: { readonly code: string; readonly message: string } }[];
  /** With --detach: the file the server writes its output to. */
  readonly log?: string;
  /** In the foreground: the signal that stopped it. */
  readonly stoppedBy?: string;
}

/** How long --detach waits for the server to write its server.json. */
const DETACH_TIMEOUT_MS = 120_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export default class Server extends TheaterCommand {
  static override summary = 'Run an actor system as a server: an authenticated HTTP and WebSocket API that the other commands use.';

  static override description =
    `Starts an actor system on the Theater home and serves the operator API on it (bound to 127.0.0.1 unless --host says otherwise). Clients find it through <home>/server.json and authenticate with the token in <home>/server.token (mode 0600), created on first start; theater start, stop, list, message, events and the others then work from any terminal.

Every actor it runs is recorded as it starts: after the server stops (Ctrl-C or SIGTERM: actors stop children first and their chains are checkpointed) or is killed, --resume brings every actor that was running back from its last committed state, with its id and its chain continued, children under their parents.

--detach starts the server in the background, waits until it serves, prints its URL and pid and exits; its output goes to <home>/server.log. Stop it with kill <pid> (SIGTERM).

Exit codes: 0 stopped cleanly (or detached); 1 the server failed; 2 bad input (another server runs on the home, a port in use, a bad flag).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --detach --resume',
    '<%= config.bin %> <%= command.id %> --home /srv/theater --port 4680 --json --detach',
  ];

  static override flags = {
    home: Flags.string({ description: 'Theater home to serve. Default: $THEATER_HOME, else ~/.theater.' }),
    host: Flags.string({
      description: 'Interface to bind. Anything but loopback exposes the API (token-protected, no TLS) to the network.',
      default: '127.0.0.1',
    }),
    port: Flags.integer({
      description: 'Port to listen on; 0 picks a free one (clients find it through server.json).',
      default: 0,
      min: 0,
      max: 65_535,
    }),
    resume: Flags.boolean({
      description: 'Bring back every actor that was running when the server last stopped or was killed.',
      default: false,
    }),
    detach: Flags.boolean({ description: 'Run in the background: print the URL and pid once it serves, then exit.', default: false }),
  };

  async run(): Promise<ServerJson> {
    const { flags } = await this.parse(Server);
    const home = resolveTheaterHome(flags.home).root;
    if (!LOOPBACK.has(flags.host)) {
      this.logToStderr(
        pc.yellow(
          `warning: binding ${flags.host} serves the API beyond this machine; the bearer token is its only protection, it travels without TLS, and whoever holds it can run code as this user (actors, manifests and components from any path this user can read)`,
        ),
      );
    }
    return flags.detach ? this.detach(home, flags) : this.foreground(home, flags);
  }

  private async foreground(home: string, flags: { host: string; port: number; resume: boolean }): Promise<ServerJson> {
    let server: TheaterServer;
    try {
      server = await startTheaterServer({
        home,
        host: flags.host,
        port: flags.port,
        resume: flags.resume,
        // The client gets internal-error and the request id; the details go to the server's output (its log).
        onInternalError: (error, requestId) =>
          this.logToStderr(
            `internal error in request ${requestId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      });
    } catch (error) {
      throw startFailure(error, home, flags);
    }
    const { resumed, failed } = server.resumed;
    if (!this.jsonEnabled()) {
      this.log(`theater server listening on ${pc.bold(server.url)} (pid ${process.pid})`);
      this.log(pc.dim(`home ${home}; token in ${join(home, 'server.token')}`));
      if (flags.resume)
        this.log(
          `resumed ${count(resumed.length, 'actor')}${failed.length === 0 ? '' : pc.red(`; ${failed.length} could not come back:`)}`,
        );
      else if (server.waiting > 0)
        this.log(
          pc.yellow(
            `${count(server.waiting, 'actor')} the last server was running wait: \`theater server --resume\` brings them back, \`theater stop <id>\` forgets one`,
          ),
        );
      for (const { id, error } of failed) this.log(pc.red(`  ${id}: ${error.code}: ${error.message}`));
      this.log(pc.dim('Ctrl-C stops it (actors stop children first; `theater server --resume` brings them back)'));
    }
    const signal = await stopSignal();
    if (!this.jsonEnabled()) this.log(pc.dim(`${signal}: stopping the actors…`));
    // A second signal while stopping ends the process at once.
    const force = (): never => process.exit(130);
    process.once('SIGINT', force).once('SIGTERM', force);
    await server.close();
    process.off('SIGINT', force).off('SIGTERM', force);
    if (!this.jsonEnabled()) this.log('stopped');
    return { url: server.url, pid: process.pid, home, resumed, failed, stoppedBy: signal };
  }

  private async detach(home: string, flags: { host: string; port: number; resume: boolean }): Promise<ServerJson> {
    // Said up front, rather than as the detached process's failure.
    const running = await confirmedServer(home);
    if (running !== undefined) {
      const message = `a server (pid ${running.pid}) already runs on ${home} at ${running.url}`;
      throw new CommandFailure(EXIT.badInput, [`server-running: ${message}`], { error: { code: 'server-running', message, home } });
    }
    const log = join(home, 'server.log');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const output = openSync(log, 'a', 0o600);
    const args = [
      process.argv[1]!,
      'server',
      '--home',
      home,
      '--host',
      flags.host,
      '--port',
      String(flags.port),
      ...(flags.resume ? ['--resume'] : []),
    ];
    const child = spawn(process.execPath, [...process.execArgv, ...args], {
      detached: true,
      stdio: ['ignore', output, output],
      env: process.env,
    });
    closeSync(output);
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const deadline = Date.now() + DETACH_TIMEOUT_MS;
    for (;;) {
      const info = await readServerInfo(home);
      if (info !== undefined && info.pid === child.pid) {
        child.unref();
        if (!this.jsonEnabled()) {
          this.log(`theater server listening on ${pc.bold(info.url)} (pid ${info.pid})`);
          this.log(pc.dim(`output in ${log}; stop it with theater server stop${home === clientHome(undefined) ? '' : ` --home ${home}`}`));
        }
        return { url: info.url, pid: info.pid, home, resumed: [], failed: [], log };
      }
      if (exited !== undefined || Date.now() > deadline) {
        if (exited === undefined) child.kill('SIGTERM');
        const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n');
        const message = `the server did not start${exited === undefined ? ` within ${DETACH_TIMEOUT_MS / 1000} s` : ` (exit ${String(exited)})`}; ${log} ends with:\n${tail}`;
        throw new CommandFailure(exited === EXIT.badInput ? EXIT.badInput : EXIT.failed, [`server-failed: ${message}`], {
          error: { code: 'server-failed', message, log },
        });
      }
      await sleep(50);
    }
  }
}

/** Resolves with the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on).off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on).on('SIGTERM', on);
  });
}

/** A start that failed: another server on the home, or a port that cannot be bound, is bad input. */
function startFailure(error: unknown, home: string, flags: { host: string; port: number }): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'server-running') {
    const message = (error as Error).message;
    return new CommandFailure(
      EXIT.badInput,
      [`server-running: ${message}`],
      { error: { code: 'server-running', message, home } },
      { cause: error },
    );
  }
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const message = `cannot listen on ${flags.host}:${flags.port} (${String(code)})`;
    return new CommandFailure(
      EXIT.badInput,
      [`listen-failed: ${message}`],
      { error: { code: 'listen-failed', message } },
      { cause: error },
    );
  }
  return error;
}
