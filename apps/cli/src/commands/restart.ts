/** `theater restart <actor-id>`: restart an actor in the running server from its last committed state. */
import { Args } from '@oclif/core';
import type { ActorView } from '@theater/client';
import pc from 'picocolors';
import { shortId } from '../lib/actorTable.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

export default class Restart extends TheaterCommand {
  static override summary = 'Restart an actor in the running server from its last committed state: same id, its chain continued.';

  static override description =
    `Stops the actor and starts a fresh instance of it with the same id, from its last committed state; its chain goes on with an actor.restart event. A supervisor's child is restarted through its parent and stays its child. --json prints { actor } as it runs again.

Exit codes: 0 restarted; 1 the actor failed to start again; 2 bad input (no such running actor, a prefix of several ids, no server running).`;

  static override examples = ['<%= config.bin %> <%= command.id %> 7ff553ef'];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
  };

  static override flags = { ...serverFlags };

  async run(): Promise<{ actor: ActorView }> {
    const { args, flags } = await this.parse(Restart);
    const client = await connectToServer(flags);
    const actor = await client.actors.restart(args['actor-id']);
    this.log(`restarted ${actor.name} ${pc.cyan(shortId(actor.id))}`);
    return { actor };
  }
}
