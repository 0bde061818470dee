/**
 * `theater channel open <actor-id> [<initial>]`: a channel to an actor in a running server. Lines read from stdin are
 * sent; messages the actor sends are printed one per line; stdin's end (Ctrl-D) closes the channel, and so does the
 * actor (the command then ends).
 */
import { createInterface } from 'node:readline';
import { Args } from '@oclif/core';
import { isTheaterApiError, type Channel, type ChannelCloser } from '@theater/client';
import { CommandFailure } from '../../lib/commandFailure.js';
import { EXIT } from '../../lib/exitCodes.js';
import { formatMessageLine } from '../../lib/formatPayload.js';
import { toBytesJson, type BytesJson } from '../../lib/messagePayload.js';
import { connectToServer, serverFlags } from '../../lib/serverConnection.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

/** `--json` output. */
export interface ChannelJson {
  readonly actorId: string;
  readonly channelId: string;
  readonly welcome: BytesJson | null;
  /** How many stdin lines were sent. */
  readonly sent: number;
  /** What the actor sent, in order (the welcome not included). */
  readonly received: BytesJson[];
  /** Who closed the channel: `client` (stdin ended, or Ctrl-C) or `actor` (it closed the channel, or ended). */
  readonly closedBy: ChannelCloser;
}

export default class ChannelOpen extends TheaterCommand {
  static override summary = 'Open a channel to an actor in a running server: stdin lines are sent, received messages printed.';

  static override description =
    `Opens a channel with the initial message (text; empty when not given); the actor accepts it (its welcome, if any, is printed first) or rejects it (channel-rejected, exit 2). Then each line read from stdin is sent as one message (UTF-8, without its newline), and each message the actor sends is printed on its own line: as text when it is printable UTF-8 (JSON-quoted when it is empty, padded or spans lines), else as hex with its size. Status lines go to stderr.

Ctrl-D (the end of stdin) or Ctrl-C closes the channel and ends the command; the actor closing the channel, or ending, ends it too. Both exit 0.

--json prints nothing while the channel is open and, at the end, { actorId, channelId, welcome, sent, received, closedBy } with each message as { text?, json?, base64 }.

Exit codes: 0 the channel closed (either side); 1 the connection to the server was lost; 2 bad input (no such running actor, the channel rejected, no server running).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef',
    'printf "one\\ntwo\\n" | <%= config.bin %> <%= command.id %> 7ff553ef hello --json',
  ];

  static override args = {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
    initial: Args.string({ description: 'The message that opens the channel (text; default empty).', required: false }),
  };

  static override flags = { ...serverFlags };

  async run(): Promise<ChannelJson> {
    const { args, flags } = await this.parse(ChannelOpen);
    const json = this.jsonEnabled();
    const client = await connectToServer(flags);
    const channel = await client.channels.open(args['actor-id'], args.initial ?? '');
    this.logToStderr(`channel ${channel.id} open to ${args['actor-id']}: lines you type are sent; Ctrl-D closes`);
    if (channel.welcome !== undefined) this.log(formatMessageLine(channel.welcome));

    const sent = this.#sendStdin(channel);
    const onInterrupt = (): void => void channel.close();
    process.once('SIGINT', onInterrupt);
    const received: BytesJson[] = [];
    try {
      for await (const message of channel) {
        if (json) received.push(toBytesJson(message));
        else this.log(formatMessageLine(message));
      }
    } catch (error) {
      if (!isTheaterApiError(error, 'network-error')) throw error;
      throw new CommandFailure(
        EXIT.failed,
        [`network-error: ${error.message}`],
        { error: { code: error.code, message: error.message } },
        { cause: error },
      );
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      sent.stop();
    }
    const { by } = await channel.closed;
    this.logToStderr(by === 'actor' ? 'the actor closed the channel' : 'channel closed');
    return {
      actorId: args['actor-id'],
      channelId: channel.id,
      welcome: channel.welcome === undefined ? null : toBytesJson(channel.welcome),
      sent: sent.count(),
      received,
      closedBy: by,
    };
  }

  /** Sends each stdin line; closes the channel when stdin ends. `stop` stops reading (the channel closed first). */
  #sendStdin(channel: Channel): { count: () => number; stop: () => void } {
    let count = 0;
    let stopped = false;
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    lines.on('line', (line) => {
      try {
        channel.send(line);
        count += 1;
      } catch (error) {
        // The actor closed the channel while the line was read: nothing is left to send it on.
        if (!isTheaterApiError(error, 'channel-closed')) throw error;
      }
    });
    lines.on('close', () => {
      if (!stopped) void channel.close();
    });
    return {
      count: () => count,
      stop: () => {
        stopped = true;
        lines.close();
        // Reading stdin would keep the process alive after the channel closed.
        process.stdin.destroy();
      },
    };
  }
}
