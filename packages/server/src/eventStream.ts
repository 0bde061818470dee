/**
 * One actor's events streamed to one WebSocket (`/v1/actors/:id/events/stream`): its history from a seq, then each
 * new durable event, in chain order, none twice and none missed.
 *
 * Backpressure: a slow reader is paused, never dropped, and never makes the server buffer without bound. The history
 * is sent a page at a time, each page only once the previous one has been handed to the operating system. While
 * live, events are pushed as the store commits them; when more than {@link HIGH_WATER_BYTES} wait in the socket, the
 * subscription is dropped and the stream goes back to sending pages from the next seq, at the reader's pace, then
 * subscribes again. The reader sees one unbroken sequence either way.
 */
import type { WebSocket } from '@fastify/websocket';
import { matchesAnyType, type ChainEvent } from '@theater/event-chain';
import { isKernelError, type ActorSystem } from '@theater/kernel';
import { toApiFailure } from './apiError.js';
import { toWireEvent } from './wireEvent.js';

/** Bytes waiting in a socket above which a live stream falls back to paging. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** Events per history page. */
const PAGE = 256;

/** Thrown from the subscription's listener to leave it (the store unsubscribes a listener that throws). */
const PAUSE = Symbol('pause');

/** What to stream. */
export interface EventStreamOptions {
  readonly actorId: string;
  readonly from: number;
  /** Type patterns (see `matchesType`); empty: every type. */
  readonly types: readonly string[];
}

/** Streams until the socket closes (or the chain cannot be read: an `error` frame, then close). */
export async function streamEvents(system: ActorSystem, socket: WebSocket, options: EventStreamOptions): Promise<void> {
  let next = options.from;
  let liveSent = false;
  let closed = socket.readyState !== socket.OPEN;
  let wake: (() => void) | undefined;
  const onClose = (): void => {
    closed = true;
    wake?.();
  };
  socket.once('close', onClose);
  socket.on('error', () => {});
  // Inbound messages mean nothing here; the stream is one-way.
  socket.on('message', () => {});

  const send = (event: ChainEvent): void => {
    if (matchesAnyType(event.type, options.types)) socket.send(JSON.stringify({ type: 'event', event: toWireEvent(event) }));
  };

  try {
    while (!closed) {
      // History (or catching up after a pause): a page at a time, at the reader's pace.
      for (;;) {
        const page = await system.events(options.actorId, { from: next, limit: PAGE });
        if (closed) return;
        for (const event of page) {
          send(event);
          next = event.seq + 1;
        }
        await flushed(socket);
        if (closed || page.length < PAGE) break;
      }
      if (closed) return;

      // Live: what was appended since the last page, then each commit, until the reader falls behind or leaves.
      let paused = false;
      let failure: unknown;
      const stop = new Promise<void>((resolve) => (wake = resolve));
      // A chain kept in memory only (save_chain = false) ends with its actor, and nothing would say so: once the
      // actor exits, the stream goes back to paging, which then reports the chain gone (or, after a restart, goes on).
      const actor = system.get(options.actorId);
      if (actor !== undefined && !actor.manifest.saveChain) {
        void actor.exited.then(() => {
          paused = true;
          wake?.();
        });
      }
      const listener = (event: ChainEvent): void => {
        if (event.seq < next) return;
        send(event);
        next = event.seq + 1;
        if (socket.bufferedAmount > HIGH_WATER_BYTES) throw PAUSE;
      };
      const unsubscribe = await system.subscribe(
        options.actorId,
        {
          from: next,
          onError: (error) => {
            if (error === PAUSE) paused = true;
            else failure = error;
            wake?.();
          },
        },
        listener,
      );
      if (closed) {
        unsubscribe();
        return;
      }
      if (!liveSent && !paused) {
        liveSent = true;
        socket.send(JSON.stringify({ type: 'live' }));
      }
      if (!paused && failure === undefined) await stop;
      unsubscribe();
      wake = undefined;
      if (failure !== undefined) throw failure;
      if (paused) await flushed(socket);
    }
  } catch (error) {
    if (closed) return;
    const { error: body } = toApiFailure(error);
    // A live actor whose chain was kept in memory only has gone: its chain went with it.
    const message = isKernelError(error, 'actor-not-found')
      ? `${body.message} (the actor stopped and its chain was not saved)`
      : body.message;
    socket.send(JSON.stringify({ type: 'error', error: { code: body.code, message } }));
    socket.close(1011, body.code);
  } finally {
    socket.off('close', onClose);
  }
}

/** Resolves once everything sent so far has been written to the operating system (or the socket closed). */
function flushed(socket: WebSocket): Promise<void> {
  if (socket.readyState !== socket.OPEN || socket.bufferedAmount === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('close', done);
      resolve();
    };
    socket.once('close', done);
    // A ping's callback runs once everything queued before it is written (the reader answers it with a pong).
    socket.ping(undefined, undefined, done);
  });
}
