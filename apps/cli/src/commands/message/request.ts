/** `theater message request <actor-id> <text> | --json <value> | --file <path>`: a request through the server; prints the reply. */
import { formatReply } from '../../lib/formatPayload.js';
import { toBytesJson, type BytesJson } from '../../lib/messagePayload.js';
import { messageArgs, messageFlags, readMessageInput } from '../../lib/messageCommand.js';
import { connectToServer } from '../../lib/serverConnection.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

/** `--json` output. */
export interface RequestJson {
  readonly actorId: string;
  readonly reply: BytesJson;
}

export default class MessageRequest extends TheaterCommand {
  static override summary = 'Send a request to an actor in a running server and print its reply.';

  static override description =
    `The request is exactly one of: a text argument (sent as UTF-8), --json <value> (a JSON value, sent as its UTF-8 JSON) or --file <path> (the file's bytes); --json is told apart from the JSON-output flag as in theater message send: right after the actor id and followed by a value, it is the request.

The reply is printed as text when it is printable UTF-8 (quoted when it is empty or padded with spaces), else as hex with its size (0x02000000 (4 bytes)). --json prints { actorId, reply: { text?, json?, base64 } }: base64 always, text when the reply is printable UTF-8, json when that text is JSON.

A reply the actor defers is awaited up to its call timeout (limits.call_timeout_ms), then request-timeout.

Exit codes: 0 replied; 1 the actor failed or did not answer in time (request-timeout), or the server did not answer; 2 bad input (no such running actor, not exactly one request, bad JSON, an unreadable file, no server running).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef count',
    '<%= config.bin %> <%= command.id %> 7ff553ef --json \'{"get": 0}\' --json',
  ];

  static override args = messageArgs('request');

  static override flags = messageFlags;

  async run(): Promise<RequestJson> {
    const { actorId, payload, flags } = await readMessageInput(this, (argv) => this.parse(MessageRequest, argv));
    const client = await connectToServer(flags);
    const reply = await client.messages.request(actorId, payload);
    this.log(formatReply(reply));
    return { actorId, reply: toBytesJson(reply) };
  }
}
