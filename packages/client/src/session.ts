/**
 * A session: sends and requests to any actors over one WebSocket (`/v1/session`), many in flight at once, each
 * answered as it completes. Cheaper than an HTTP request per message for a client that sends a lot.
 */
import type WebSocket from 'ws';
import type { SessionServerFrame } from './apiTypes.js';
import { fromBase64, toPayloadBody, type Payload } from './payload.js';
import { TheaterApiError } from './theaterApiError.js';
import type { Transport } from './transport.js';

interface Pending {
  resolve(reply: Uint8Array | undefined): void;
  reject(error: TheaterApiError): void;
}

export class Session {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #closed: TheaterApiError | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => this.#answer(data.toString()));
    socket.on('close', () => this.#fail(new TheaterApiError('network-error', 'the session closed', 0)));
    socket.on('error', (cause) =>
      this.#fail(new TheaterApiError('network-error', `the session failed: ${cause.message}`, 0, undefined, {}, { cause })),
    );
  }

  /** Opens a session on `transport`'s server. */
  static async open(transport: Transport): Promise<Session> {
    return new Session(await transport.websocket('/v1/session'));
  }

  /** Sends a message; resolves once the actor has committed its handling. */
  async send(actorId: string, payload: Payload): Promise<void> {
    await this.#call('send', actorId, payload);
  }

  /** Sends a request; resolves with the reply. */
  async request(actorId: string, payload: Payload): Promise<Uint8Array> {
    return (await this.#call('request', actorId, payload)) ?? new Uint8Array();
  }

  /** Closes the session; calls still in flight fail with `network-error`. */
  close(): void {
    this.#socket.close(1000);
  }

  #call(op: 'send' | 'request', actor: string, payload: Payload): Promise<Uint8Array | undefined> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ id, op, actor, ...toPayloadBody(payload) }));
    });
  }

  #answer(text: string): void {
    let frame: SessionServerFrame;
    try {
      frame = JSON.parse(text) as SessionServerFrame;
    } catch {
      this.#fail(new TheaterApiError('invalid-response', 'the server sent a session frame that is not JSON', 0));
      this.close();
      return;
    }
    if (typeof frame.id !== 'number') return; // not ours: a refusal of a frame this client never sends
    const pending = this.#pending.get(frame.id);
    if (pending === undefined) return;
    this.#pending.delete(frame.id);
    if ('error' in frame) pending.reject(new TheaterApiError(frame.error.code, frame.error.message, 0));
    else pending.resolve(frame.reply === undefined ? undefined : fromBase64(frame.reply));
  }

  #fail(error: TheaterApiError): void {
    this.#closed ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
