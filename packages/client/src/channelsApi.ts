/** Channels to actors over a WebSocket. */
import { Channel, type ChannelOptions } from './channel.js';
import type { Payload } from './payload.js';
import type { Transport } from './transport.js';

export class ChannelsApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Opens a channel to an actor (its id or a unique prefix) with an initial message (default: empty). Resolves
   * once the actor has accepted it; rejects with `channel-rejected`, `actor-not-found`, … otherwise.
   * @example
   * await using channel = await client.channels.open(id, 'hello');
   * channel.send('ping');
   * for await (const message of channel) console.log(new TextDecoder().decode(message));
   */
  async open(id: string, initial: Payload = new Uint8Array(), options: ChannelOptions = {}): Promise<Channel> {
    const socket = await this.#transport.websocket(`/v1/actors/${encodeURIComponent(id)}/channel`);
    return Channel.open(socket, initial, options);
  }
}
