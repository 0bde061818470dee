/** Channels to actors over a WebSocket. */
import type { Transport } from './transport.js';

export class ChannelsApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }
}
