/** `theater list`: the actors of the running server; with --all also those known only from the home's chain store. */
import { Flags } from '@oclif/core';
import { clientHome, type ActorView, type TheaterClient } from '@theater/client';
import pc from 'picocolors';
import { actorTable } from '../lib/actorTable.js';
import { count } from '../lib/pluralize.js';
import { connectToServer, serverFlags, serverOnHome } from '../lib/serverConnection.js';
import { storedActorViews } from '../lib/storedActorViews.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** `theater list --json`. */
export interface ListJson {
  readonly actors: readonly ActorView[];
  /** The server asked; null when no server runs and --all read the home's chain store itself. */
  readonly server: string | null;
}

export default class List extends TheaterCommand {
  static override summary = 'List the actors running in the server; with --all also the stopped and failed ones in the chain store.';

  static override description =
    `Prints one row per actor: its short id (the first 8 characters; any unique prefix of 4 or more works in the other commands), name, status, parent (for a supervisor's child), uptime and component hash.

--all adds every actor the home's chain store knows that is not running (status stopped or failed). It works without a server too: then it reads the home's chain store itself (which only one process may open at a time). --json prints { actors: [{ id, name, status, parentId, componentHash, startedAt, uptimeMs, failure? }], server } with full ids; server is the server's URL, or null when --all read the store itself.

Exit codes: 0 ok (also when there is no actor); 1 the server failed; 2 no server running (without --all), or the store in use by another process.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --all',
    '<%= config.bin %> <%= command.id %> --all --json',
  ];

  static override flags = {
    all: Flags.boolean({
      char: 'a',
      description: 'Also list stopped and failed actors from the chain store (works without a server).',
      default: false,
    }),
    ...serverFlags,
  };

  async run(): Promise<ListJson> {
    const { flags } = await this.parse(List);
    // Only --all has an answer without a server; otherwise connecting says how to start one.
    const client: TheaterClient | undefined =
      !flags.all || flags.server !== undefined ? await connectToServer(flags) : await serverOnHome(flags.home);
    const actors = client === undefined ? await storedActorViews(flags.home) : await client.actors.list({ all: flags.all });
    if (actors.length === 0) {
      this.log(
        pc.dim(
          flags.all
            ? 'no actors: none is running and the chain store knows none'
            : 'no actors running (theater list --all shows stopped ones)',
        ),
      );
    } else {
      for (const line of actorTable(actors)) this.log(line);
      const running = actors.filter((actor) => actor.status === 'running').length;
      this.log(pc.dim(flags.all ? `${count(actors.length, 'actor')}, ${running} running` : count(actors.length, 'actor')));
    }
    if (client === undefined) this.log(pc.dim(`no server runs on ${clientHome(flags.home)}: read from its chain store`));
    return { actors, server: client?.url ?? null };
  }
}
