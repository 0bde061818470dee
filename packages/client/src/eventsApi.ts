/** Actors' chain events: pages and the live stream. */
import type { Transport } from './transport.js';

export class EventsApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }
}
