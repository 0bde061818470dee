/** `theater state <actor-id>`: the last committed state of an actor running in the server. */
import { Args } from '@oclif/core';
import { decodeBytes } from '../lib/decodeBytes.js';
import { formatState } from '../lib/formatPayload.js';
import { connectToServer, serverFlags } from '../lib/serverConnection.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** `theater state --json`: null when the actor has no state. */
export interface StateJson {
  readonly actorId: string;
  readonly state: {
    readonly bytes: number;
    readonly base64: string;
    /** The UTF-8 text, when the state is printable text. */
    readonly text?: string;
    /** The parsed value, when the text is JSON. */
    readonly json?: unknown;
  } | null;
}

export default class State extends TheaterCommand {
  static override summary = "Print an actor's last committed state: pretty JSON when it is JSON, else its text, else hex.";

  static override description =
    `Reads the state the actor last committed (after its last handled message) from the server. --json prints { actorId, state: { bytes, base64, text?, json? } }: text when the state is printable UTF-8, json when that text parses as JSON; state is null when the actor has none.

Exit codes: 0 ok; 1 the server failed; 2 bad input (no such running actor, a prefix of several ids, no server running).`;

  static override examples = ['<%= config.bin %> <%= command.id %> 7ff553ef', '<%= config.bin %> <%= command.id %> 7ff553ef --json'];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
  };

  static override flags = { ...serverFlags };

  async run(): Promise<StateJson> {
    const { args, flags } = await this.parse(State);
    const client = await connectToServer(flags);
    // The full id first, so --json names it even when a prefix was given.
    const { id } = await client.actors.get(args['actor-id']);
    const state = await client.actors.state(id);
    this.log(formatState(state));
    if (state === undefined) return { actorId: id, state: null };
    const decoded = decodeBytes(state);
    return {
      actorId: id,
      state: {
        bytes: decoded.bytes,
        base64: Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64'),
        ...(decoded.text === undefined ? {} : { text: decoded.text }),
        ...(decoded.json === undefined ? {} : { json: decoded.json.value }),
      },
    };
  }
}
