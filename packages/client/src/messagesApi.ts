/** Messages and requests to actors (send, request). */
import { fromBase64, toPayloadBody, type Payload } from './payload.js';
import type { Transport } from './transport.js';

export class MessagesApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Sends a one-way message to an actor (its id or a unique prefix); resolves once the actor has handled it and the
   * result is committed to its chain.
   * @example
   * await client.messages.send(id, 'hello'); // or bytes, or { json: { add: 1 } }
   */
  async send(id: string, payload: Payload): Promise<void> {
    await this.#transport.json<{ delivered: true }>('POST', `/v1/actors/${encodeURIComponent(id)}/messages`, {
      body: toPayloadBody(payload),
    });
  }

  /**
   * Sends a request to an actor and resolves with its reply's bytes (once committed; a deferred reply is awaited up
   * to the actor's call timeout, then `request-timeout`).
   */
  async request(id: string, payload: Payload): Promise<Uint8Array> {
    const { reply } = await this.#transport.json<{ reply: string }>('POST', `/v1/actors/${encodeURIComponent(id)}/requests`, {
      body: toPayloadBody(payload),
    });
    return fromBase64(reply);
  }
}
