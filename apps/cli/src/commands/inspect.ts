/** `theater inspect <actor-id>`: everything the server knows about one actor. */
import { Args } from '@oclif/core';
import type { ActorView, TreeNode } from '@theater/client';
import pc from 'picocolors';
import { formatStatus, formatUptime, shortId } from '../lib/actorTable.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** `theater inspect --json`. */
export interface InspectJson {
  readonly actor: ActorView;
  /** The ids of its running children (a supervisor's); empty for others and for an actor that does not run. */
  readonly children: readonly string[];
}

export default class Inspect extends TheaterCommand {
  static override summary = 'Show one actor: id, name, status, parent, children, component, start time, uptime and failure.';

  static override description =
    `Shows an actor the server runs, or one its home's chain store knows (stopped or failed). --json prints { actor: { id, name, status, parentId, componentHash, startedAt, uptimeMs, failure? }, children: [ids] }.

Exit codes: 0 ok; 1 the server failed; 2 bad input (no such actor, a prefix of several ids, no server running).`;

  static override examples = ['<%= config.bin %> <%= command.id %> 7ff553ef', '<%= config.bin %> <%= command.id %> 7ff553ef --json'];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
  };

  static override flags = { ...serverFlags };

  async run(): Promise<InspectJson> {
    const { args, flags } = await this.parse(Inspect);
    const client = await connectToServer(flags);
    const actor = await client.actors.get(args['actor-id']);
    const children =
      actor.status === 'running' ? (findNode(await client.actors.tree(), actor.id)?.children.map((child) => child.actor.id) ?? []) : [];
    const rows: [string, string][] = [
      ['id', actor.id],
      ['name', actor.name],
      ['status', formatStatus(actor.status)],
      ['parent', actor.parentId ?? '-'],
      ['children', children.length === 0 ? '-' : children.map(shortId).join(', ')],
      ['component', actor.componentHash === '' ? '-' : actor.componentHash],
      ['started', actor.startedAt ?? '-'],
      ['uptime', actor.uptimeMs === null ? '-' : formatUptime(actor.uptimeMs)],
    ];
    if (actor.failure !== undefined) rows.push(['failure', `${actor.failure.reason}: ${actor.failure.message}`]);
    for (const [key, value] of rows) this.log(`${pc.bold(key.padEnd(9))}  ${value}`);
    return { actor, children };
  }
}

function findNode(nodes: readonly TreeNode[], id: string): TreeNode | undefined {
  for (const node of nodes) {
    if (node.actor.id === id) return node;
    const found = findNode(node.children, id);
    if (found !== undefined) return found;
  }
  return undefined;
}
