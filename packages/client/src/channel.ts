/**
 * A channel to an actor, held over a WebSocket (`/v1/actors/:id/channel`): send with `send`, read by iterating it,
 * end it with `close`. Iteration ends when the channel closes, whichever side closed it.
 */
import type WebSocket from 'ws';
import type { ChannelClientFrame, ChannelServerFrame } from './apiTypes.js';
import { fromBase64, toBase64, toPayloadBytes, type Payload } from './payload.js';
import { TheaterApiError } from './theaterApiError.js';
import { abandon } from './transport.js';

/** Who ended a channel: the actor (it closed the channel or ended), this client, or the connection (cut). */
export type ChannelCloser = 'actor' | 'client' | 'connection';

/** How a channel ended. */
export interface ChannelClosed {
  readonly by: ChannelCloser;
  /** The error that ended it, when one did (a cut connection, or an error frame without an `onError`). */
  readonly error?: TheaterApiError;
}

/** Options of `client.channels.open`. */
export interface ChannelOptions {
  /**
   * Called with an error the server reports on an open channel (e.g. `mailbox-full` for a message the actor could
   * not queue); the channel stays open. Without it, such an error ends the iteration (it rejects) and the channel.
   */
  readonly onError?: (error: TheaterApiError) => void;
}

const NORMAL_CLOSURE = 1000;

export class Channel implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** The channel id (the actor sees the same one). */
  readonly id: string;
  /** The message the actor accepted the channel with, if any (not repeated as a received message). */
  readonly welcome: Uint8Array | undefined;
  /** Resolves once the channel has closed, saying who closed it. */
  readonly closed: Promise<ChannelClosed>;
  readonly #socket: WebSocket;
  readonly #onError: ((error: TheaterApiError) => void) | undefined;
  readonly #received: Uint8Array[] = [];
  readonly #readers: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }[] = [];
  #ending: ChannelCloser | undefined;
  #ended: ChannelClosed | undefined;
  #settleClosed!: (closed: ChannelClosed) => void;

  private constructor(socket: WebSocket, opened: Extract<ChannelServerFrame, { type: 'opened' }>, options: ChannelOptions) {
    this.#socket = socket;
    this.id = opened.channelId;
    this.welcome = opened.welcome === null ? undefined : fromBase64(opened.welcome);
    this.#onError = options.onError;
    this.closed = new Promise((resolve) => (this.#settleClosed = resolve));
    socket.on('message', (data, isBinary) => this.#frame(parseFrame(data, isBinary)));
    socket.on('close', () => this.#end({ by: this.#ending ?? 'connection', ...(this.#ending === undefined ? { error: cut() } : {}) }));
    socket.on('error', () => {});
  }

  /** Opens a channel over a connected socket: sends `open`, resolves on `opened`, rejects with the server's error. */
  static open(socket: WebSocket, initial: Payload, options: ChannelOptions = {}): Promise<Channel> {
    return new Promise((resolve, reject) => {
      const fail = (error: TheaterApiError): void => {
        abandon(socket);
        reject(error);
      };
      socket.once('message', (data, isBinary) => {
        socket.removeAllListeners('close');
        const frame = parseFrame(data, isBinary);
        if (frame.type === 'opened') resolve(new Channel(socket, frame, options));
        else if (frame.type === 'error') fail(new TheaterApiError(frame.error.code, frame.error.message, 0));
        else fail(new TheaterApiError('invalid-response', `the server answered the open with a ${frame.type} frame`, 0));
      });
      socket.once('close', () => fail(cut()));
      send(socket, { type: 'open', base64: toBase64(toPayloadBytes(initial)) });
    });
  }

  /** Sends a message on the channel (in order); `channel-closed` once it has closed. */
  send(payload: Payload): void {
    if (this.#ending !== undefined || this.#ended !== undefined)
      throw new TheaterApiError('channel-closed', `channel ${this.id} is closed`, 0);
    send(this.#socket, { type: 'message', base64: toBase64(toPayloadBytes(payload)) });
  }

  /** Closes the channel (the actor is told) and resolves once the socket has closed. Idempotent. */
  async close(): Promise<void> {
    if (this.#ending === undefined && this.#ended === undefined) {
      this.#ending = 'client';
      send(this.#socket, { type: 'close' });
      this.#socket.close(NORMAL_CLOSURE);
    }
    await this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The messages the actor sends, in order; ends when the channel closes, or rejects with the error that ended it (a
   * cut connection). Breaking out of the loop leaves the channel open: call `close`.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const message = this.#received.shift();
        if (message !== undefined) return Promise.resolve({ done: false, value: message });
        if (this.#ended !== undefined) {
          return this.#ended.error !== undefined ? Promise.reject(this.#ended.error) : Promise.resolve({ done: true, value: undefined });
        }
        return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
      },
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  #frame(frame: ChannelServerFrame): void {
    switch (frame.type) {
      case 'message': {
        const message = fromBase64(frame.base64);
        const reader = this.#readers.shift();
        if (reader === undefined) this.#received.push(message);
        else reader.resolve({ done: false, value: message });
        return;
      }
      case 'closed':
        this.#ending ??= 'actor';
        return;
      case 'error': {
        const error = new TheaterApiError(frame.error.code, frame.error.message, 0);
        if (this.#onError !== undefined) {
          this.#onError(error);
          return;
        }
        this.#end({ by: 'client', error });
        this.#ending = 'client';
        this.#socket.close(NORMAL_CLOSURE);
        return;
      }
      case 'opened':
        return;
    }
  }

  #end(closed: ChannelClosed): void {
    if (this.#ended !== undefined) return;
    this.#ended = closed;
    for (const reader of this.#readers.splice(0)) {
      if (closed.error !== undefined) reader.reject(closed.error);
      else reader.resolve({ done: true, value: undefined });
    }
    this.#settleClosed(closed);
  }
}

function send(socket: WebSocket, frame: ChannelClientFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function parseFrame(data: WebSocket.RawData, isBinary: boolean): ChannelServerFrame {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  try {
    if (isBinary) throw new Error('binary');
    return JSON.parse(bytes.toString('utf8')) as ChannelServerFrame;
  } catch {
    return { type: 'error', error: { code: 'invalid-response', message: 'the server sent a channel frame that is not JSON' } };
  }
}

function cut(): TheaterApiError {
  return new TheaterApiError('network-error', "the channel's connection closed before the channel did", 0);
}
