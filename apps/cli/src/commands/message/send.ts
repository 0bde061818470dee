/** `theater message send <actor-id> <text> | --json <value> | --file <path>`: a one-way message through the server. */
import { Args, Flags } from '@oclif/core';
import { takeJsonPayload, resolvePayload } from '../../lib/messagePayload.js';
import { connectToServer, serverFlags } from '../../lib/serverConnection.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

/** `--json` output. */
export interface SendJson {
  readonly delivered: true;
  readonly actorId: string;
}

export default class MessageSend extends TheaterCommand {
  static override summary = "Send a one-way message to an actor in a running server; returns once the actor's handling of it is committed.";

  static override description = `The message is exactly one of: a text argument (sent as UTF-8), --json <value> (a JSON value, sent as its UTF-8 JSON) or --file <path> (the file's bytes).

--json right after the actor id, followed by a value, is the message; any other --json asks for JSON output, as on every command: theater message send <id> --json '{"add":1}' --json sends JSON and prints JSON; theater message send <id> hello --json sends the text hello and prints JSON. --json=<value> is always the message. A text that starts with - goes after --: theater message send <id> -- -1.

Prints "delivered to <id>"; --json prints { delivered: true, actorId }.

Needs a running server (theater server): the one on --home / $THEATER_HOME, or --server <url> / $THEATER_SERVER with $THEATER_TOKEN.

Exit codes: 0 delivered; 1 the actor failed handling it, its mailbox was full, or the server did not answer; 2 bad input (no such running actor, not exactly one message, bad JSON, an unreadable file, no server running).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef hello',
    '<%= config.bin %> <%= command.id %> 7ff553ef --json \'{"add": 1}\'',
    '<%= config.bin %> <%= command.id %> 7ff553ef --file message.bin --json',
  ];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
    text: Args.string({ description: 'The message as text (UTF-8).', required: false }),
  };

  static override flags = {
    file: Flags.string({ char: 'f', description: "Send this file's bytes.", helpValue: '<path>' }),
    ...serverFlags,
  };

  async run(): Promise<SendJson> {
    const { argv, json } = takeJsonPayload(this.argv);
    // oclif reads --json (output) from this.argv: the payload's --json is not that.
    this.argv = argv;
    const { args, flags } = await this.parse(MessageSend, argv);
    const payload = await resolvePayload({ text: args.text, json, file: flags.file });
    const client = await connectToServer(flags);
    await client.messages.send(args['actor-id'], payload);
    this.log(`delivered to ${args['actor-id']}`);
    return { delivered: true, actorId: args['actor-id'] };
  }
}
