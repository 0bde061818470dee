/** `theater tree`: the supervision tree of the actors running in the server. */
import type { TreeNode } from '@theater/client';
import pc from 'picocolors';
import { treeLines } from '../lib/actorTable.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

export default class Tree extends TheaterCommand {
  static override summary = 'Show the supervision tree of the actors running in the server.';

  static override description =
    `Prints each actor the server runs under its supervisor, indented: name, short id, status and uptime. Actors with no parent are the roots. --json prints { roots: [{ actor, children: [...] }] } with full ids.

Exit codes: 0 ok; 1 the server failed; 2 no server running.`;

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];

  static override flags = { ...serverFlags };

  async run(): Promise<{ roots: TreeNode[] }> {
    const { flags } = await this.parse(Tree);
    const client = await connectToServer(flags);
    const roots = await client.actors.tree();
    if (roots.length === 0) this.log(pc.dim('no actors running'));
    for (const line of treeLines(roots)) this.log(line);
    return { roots };
  }
}
