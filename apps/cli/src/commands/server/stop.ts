/** `theater server stop`: stop the server running on a home (SIGTERM: its actors stop children first, checkpointed). */
import { setTimeout as sleep } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import { clientHome, runningServer } from '@theater/client';
import { confirmedServer } from '../../lib/serverConnection.js';
import { CommandFailure } from '../../lib/commandFailure.js';
import { EXIT } from '../../lib/exitCodes.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

/** How long to wait for the server to finish stopping its actors. */
const STOP_TIMEOUT_MS = 120_000;

export default class ServerStop extends TheaterCommand {
  static override summary = 'Stop the server running on a home and wait until it has stopped.';

  static override description =
    `Sends SIGTERM to the server named by <home>/server.json and waits until it has exited: its actors stop children first, their chains are checkpointed and the store is closed. \`theater server --resume\` brings the actors back.

Exit codes: 0 stopped; 1 it did not stop in time; 2 no server runs on the home.`;

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --home /srv/theater --json'];

  static override flags = {
    home: Flags.string({ description: 'Theater home whose server to stop. Default: $THEATER_HOME, else ~/.theater.' }),
  };

  async run(): Promise<{ pid: number; url: string; home: string }> {
    const { flags } = await this.parse(ServerStop);
    const home = clientHome(flags.home);
    // Confirmed before it is signalled: after a crash, server.json may name a pid another program now has.
    const server = await confirmedServer(home);
    if (server === undefined) {
      const message = `no server runs on ${home}`;
      throw new CommandFailure(EXIT.badInput, [`server-not-running: ${message}`], { error: { code: 'server-not-running', message, home } });
    }
    process.kill(server.pid, 'SIGTERM');
    for (const deadline = Date.now() + STOP_TIMEOUT_MS; (await runningServer(home))?.pid === server.pid; ) {
      if (Date.now() > deadline) {
        const message = `the server (pid ${server.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`;
        throw new CommandFailure(EXIT.failed, [`stop-timeout: ${message}`], { error: { code: 'stop-timeout', message } });
      }
      await sleep(100);
    }
    if (!this.jsonEnabled()) this.log(`stopped the server on ${home} (pid ${server.pid})`);
    return { pid: server.pid, url: server.url, home };
  }
}
