/** Messages and requests to actors (send, request). */
import type { Transport } from './transport.js';

export class MessagesApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }
}
