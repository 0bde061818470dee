/** Actors' chains: verify, export, replay. */
import type { Transport } from './transport.js';

export class ChainApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }
}
