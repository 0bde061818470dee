/** `theater stop <actor-id>`: stop an actor in the running server (a supervisor's children first). */
import { Args } from '@oclif/core';
import type { ActorView } from '@theater/client';
import pc from 'picocolors';
import { shortId } from '../lib/actorTable.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

export default class Stop extends TheaterCommand {
  static override summary = 'Stop an actor in the running server; a supervisor stops its children first.';

  static override description =
    `Stops the actor: its children first (each stops its own first), then the actor, whose chain is sealed and its head signed. Its chain stays in the home's store (theater list --all, theater events, theater chain verify). --json prints { actor } as it is once stopped.

A supervised child's stop is an exit its supervisor is told of: a permanent child is restarted by it (as in OTP). To stop a subtree, stop its supervisor. An actor a server stop or crash interrupted (one theater server --resume would bring back) is forgotten instead.

Exit codes: 0 stopped; 1 the server failed; 2 bad input (no such running actor, a prefix of several ids, no server running).`;

  static override examples = ['<%= config.bin %> <%= command.id %> 7ff553ef', '<%= config.bin %> <%= command.id %> 7ff553ef --json'];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
  };

  static override flags = { ...serverFlags };

  async run(): Promise<{ actor: ActorView }> {
    const { args, flags } = await this.parse(Stop);
    const client = await connectToServer(flags);
    const actor = await client.actors.stop(args['actor-id']);
    this.log(`stopped ${actor.name} ${pc.cyan(shortId(actor.id))}`);
    return { actor };
  }
}
