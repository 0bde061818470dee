/** Actors' chain events: pages (range, type filters, a cursor) and the live stream. */
import type { EventStreamFrame, WireEvent } from './apiTypes.js';
import { fromWireEvent, type ChainEvent } from './chainEvent.js';
import { TheaterApiError } from './theaterApiError.js';
import type WebSocket from 'ws';
import type { Transport } from './transport.js';

/** What `read` reads. */
export interface ReadEventsOptions {
  /** The first seq (default 0). */
  readonly from?: number;
  /** The seq to stop before (exclusive; default the head). */
  readonly to?: number;
  /** At most this many events (the server's default 1000, at most 10 000). */
  readonly limit?: number;
  /** Keep only these types: an exact type, a prefix at a `.`/`/`/`:` boundary (`wasm`), or a prefix ending with `*`. */
  readonly types?: readonly string[];
  readonly signal?: AbortSignal;
}

/** A page of events. */
export interface EventsPage {
  readonly events: ChainEvent[];
  /** The seq to pass as `from` for the next page; null when this page reached the head (or `to`). */
  readonly next: number | null;
  /** Events in the chain (its head's seq + 1). */
  readonly total: number;
}

/** What `follow` streams. */
export interface FollowOptions {
  /** The first seq (default 0): history from there, then live. */
  readonly from?: number;
  readonly types?: readonly string[];
  /** Ends the stream (the iteration then ends without an error). */
  readonly signal?: AbortSignal;
  /** Called once the history has been delivered: what follows is live. */
  readonly onLive?: () => void;
}

/** Events buffered before the client stops reading the socket (the server then pauses too), and where it resumes. */
const HIGH_WATER = 1024;
const LOW_WATER = 256;

export class EventsApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * One page of an actor's events (live or stored), oldest first.
   * @example
   * for (let from: number | null = 0; from !== null; ) {
   *   const page = await client.events.read(id, { from, types: ['wasm'] });
   *   for (const event of page.events) console.log(event.seq, event.type);
   *   from = page.next;
   * }
   */
  async read(id: string, options: ReadEventsOptions = {}): Promise<EventsPage> {
    const page = await this.#transport.json<{ events: WireEvent[]; next: number | null; total: number }>(
      'GET',
      `/v1/actors/${encodeURIComponent(id)}/events`,
      {
        query: { from: options.from, to: options.to, limit: options.limit, type: options.types },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    return { events: page.events.map(fromWireEvent), next: page.next, total: page.total };
  }

  /**
   * An actor's events from `from`, then each new one as it is committed: in chain order, none missed, none twice.
   * Ends when `signal` aborts or the loop breaks; throws a TheaterApiError when the server ends the stream with an
   * error (or the connection is lost).
   * @example
   * const controller = new AbortController();
   * for await (const event of client.events.follow(id, { signal: controller.signal })) console.log(event.seq);
   */
  async *follow(id: string, options: FollowOptions = {}): AsyncGenerator<ChainEvent, void, undefined> {
    const { signal } = options;
    if (signal?.aborted === true) return;
    const queue: ChainEvent[] = [];
    let failure: TheaterApiError | undefined;
    let ended = false;
    let aborted = false;
    let paused = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    // Attached as the socket opens: the history can arrive in the same packet as the upgrade's answer.
    const listen = (socket: WebSocket): void => {
      socket.on('message', (data: Buffer) => {
        let frame: EventStreamFrame;
        try {
          frame = JSON.parse(data.toString('utf8')) as EventStreamFrame;
        } catch {
          failure ??= new TheaterApiError('invalid-response', 'the event stream sent a frame that is not JSON', 0);
          socket.terminate();
          return;
        }
        if (frame.type === 'event') {
          queue.push(fromWireEvent(frame.event));
          // Stop reading when the consumer falls behind: TCP then pushes back, and the server pauses the stream.
          if (queue.length >= HIGH_WATER && !paused) {
            paused = true;
            socket.pause();
          }
        } else if (frame.type === 'live') {
          options.onLive?.();
        } else if (frame.type === 'error') {
          failure ??= new TheaterApiError(frame.error.code, frame.error.message, 0);
        }
        notify();
      });
      socket.on('close', (code: number) => {
        ended = true;
        if (!aborted && failure === undefined)
          failure = new TheaterApiError('network-error', `the event stream closed (WebSocket close code ${code})`, 0);
        notify();
      });
      socket.on('error', (cause: Error) => {
        failure ??= new TheaterApiError('network-error', `the event stream failed: ${cause.message}`, 0, undefined, {}, { cause });
        notify();
      });
    };
    const socket = await this.#transport.websocket(
      `/v1/actors/${encodeURIComponent(id)}/events/stream`,
      { from: options.from, type: options.types },
      { onOpen: listen },
    );
    const onAbort = (): void => {
      aborted = true;
      notify();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (aborted) return;
        const event = queue.shift();
        if (event !== undefined) {
          if (paused && queue.length <= LOW_WATER) {
            paused = false;
            socket.resume();
          }
          yield event;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      aborted = true;
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(1000);
    }
  }
}
