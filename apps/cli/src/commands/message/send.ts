/** `theater message send <actor-id> <text> | --json <value> | --file <path>`: a one-way message through the server. */
import { messageArgs, messageFlags, readMessageInput } from '../../lib/messageCommand.js';
import { connectToServer } from '../../lib/serverConnection.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

/** `--json` output. */
export interface SendJson {
  readonly delivered: true;
  readonly actorId: string;
}

export default class MessageSend extends TheaterCommand {
  static override summary = "Send a one-way message to an actor in a running server; returns once the actor's handling of it is committed.";

  static override description =
    `The message is exactly one of: a text argument (sent as UTF-8), --json <value> (a JSON value, sent as its UTF-8 JSON) or --file <path> (the file's bytes).

--json right after the actor id, followed by a value, is the message; any other --json asks for JSON output, as on every command: theater message send <id> --json '{"add":1}' --json sends JSON and prints JSON; theater message send <id> hello --json sends the text hello and prints JSON. --json=<value> is always the message. A text that starts with - goes after --: theater message send <id> -- -1.

Prints "delivered to <id>"; --json prints { delivered: true, actorId }.

Needs a running server (theater server): the one on --home / $THEATER_HOME, or --server <url> / $THEATER_SERVER with $THEATER_TOKEN.

Exit codes: 0 delivered; 1 the actor failed handling it, its mailbox was full, or the server did not answer; 2 bad input (no such running actor, not exactly one message, bad JSON, an unreadable file, no server running).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef hello',
    '<%= config.bin %> <%= command.id %> 7ff553ef --json \'{"add": 1}\'',
    '<%= config.bin %> <%= command.id %> 7ff553ef --file message.bin --json',
  ];

  static override args = messageArgs('message');

  static override flags = messageFlags;

  async run(): Promise<SendJson> {
    const { actorId, payload, flags } = await readMessageInput(this, (argv) => this.parse(MessageSend, argv));
    const client = await connectToServer(flags);
    await client.messages.send(actorId, payload);
    this.log(`delivered to ${actorId}`);
    return { delivered: true, actorId };
  }
}
