/** `theater start <manifest>`: start an actor in the running server. */
import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import type { ActorView } from '@theater/client';
import pc from 'picocolors';
import { shortId } from '../lib/actorTable.js';
import { readInitialState } from '../lib/initialState.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { startProgress } from '../lib/spinner.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

export default class Start extends TheaterCommand {
  static override summary = 'Start an actor from its manifest in the running server.';

  static override description =
    `Asks the server running on the home (see theater server) to start the actor: the manifest path is resolved against this directory and sent as an absolute path, which the server reads (it must see the same files). Resolves once the actor's init has run, and prints its name and short id: any unique prefix of 4 or more characters of the id works in the other commands.

--state gives the actor its initial state instead of the manifest's init_state: a JSON value (the actor receives its UTF-8 JSON, e.g. --state '{"count": 1}'), or @<file> for the file's bytes as they are. --json prints { actor: { id, name, status, parentId, componentHash, startedAt, uptimeMs } }.

Exit codes: 0 started; 1 the actor failed to start (its init failed, or it could not be instantiated); 2 bad input (an invalid or missing manifest, --state not JSON, a file that cannot be read, no server running).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/counter/manifest.toml',
    `<%= config.bin %> <%= command.id %> examples/counter/manifest.toml --name counter-2 --state '{"count": 10}'`,
    '<%= config.bin %> <%= command.id %> manifest.toml --state @state.bin --json',
  ];

  static override args = {
    manifest: Args.string({ description: 'Path of the actor manifest (TOML), relative to this directory.', required: true }),
  };

  static override flags = {
    state: Flags.string({ description: 'The initial state: a JSON value, or @<file> for the bytes of a file.', helpValue: '<json|@file>' }),
    name: Flags.string({ description: "The actor's name (replaces the manifest's).", helpValue: '<name>' }),
    quiet: Flags.boolean({
      char: 'q',
      description: "Print only the actor's full id, for scripts: ID=$(theater start -q manifest.toml).",
      default: false,
    }),
    ...serverFlags,
  };

  async run(): Promise<{ actor: ActorView }> {
    const { args, flags } = await this.parse(Start);
    const state = flags.state === undefined ? undefined : await readInitialState(flags.state);
    const client = await connectToServer(flags);
    const progress = startProgress('starting the actor', !this.jsonEnabled() && !flags.quiet);
    let actor: ActorView;
    try {
      actor = await client.actors.start({
        path: resolve(args.manifest),
        ...(flags.name === undefined ? {} : { name: flags.name }),
        ...(state === undefined ? {} : { state }),
      });
    } finally {
      progress.stop();
    }
    if (flags.quiet) {
      this.log(actor.id);
      return { actor };
    }
    this.log(`started ${actor.name} ${pc.cyan(shortId(actor.id))}`);
    this.log(pc.dim(`theater inspect ${shortId(actor.id)} · theater state ${shortId(actor.id)} · theater stop ${shortId(actor.id)}`));
    return { actor };
  }
}
