/**
 * One channel WebSocket: the client's `open` frame opens a kernel channel to the actor, then messages flow both ways
 * until either side closes. The kernel channel never outlives the socket, and the socket never outlives the channel.
 */
import type { WebSocket } from '@fastify/websocket';
import type { ActorSystem, ExternalChannel } from '@theater/kernel';
import { toApiFailure } from './apiError.js';
import { parseChannelFrame, type ChannelClientFrame, type ChannelServerFrame } from './channelFrame.js';
import { toBase64 } from './payloadBody.js';

/** A normal close: the channel ended (either side closed it, the actor ended, or it could not open). */
const NORMAL_CLOSURE = 1000;

/**
 * Bytes the socket may hold unsent for a client that does not read: past this, the channel is closed with a
 * `client-too-slow` error frame rather than let an actor that sends in a loop grow the server's memory.
 */
const MAX_BUFFERED_BYTES = 16 * 2 ** 20;

type SessionState = 'awaiting-open' | 'opening' | 'open' | 'ended';

/** Serves the channel protocol on `socket` for the actor `actorId`. */
export function serveChannel(socket: WebSocket, system: ActorSystem, actorId: string): void {
  let state: SessionState = 'awaiting-open';
  let channel: ExternalChannel | undefined;
  let socketClosed = false;
  // Frames are handled one at a time, in order: a message sent right after `open` waits for the channel.
  let pending: Promise<void> = Promise.resolve();
  // What the actor sends while the open is still settling (its welcome first) is forwarded after `opened`.
  const early: Uint8Array[] = [];
  let closedWhileOpening = false;

  const send = (frame: ChannelServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const refuse = (error: unknown): void => {
    const { code, message } = toApiFailure(error).error;
    send({ type: 'error', error: { code, message } });
  };
  const invalid = (message: string): void => send({ type: 'error', error: { code: 'invalid-request', message } });
  const end = (): void => {
    state = 'ended';
    if (!socketClosed) socket.close(NORMAL_CLOSURE);
  };
  const closeChannel = (): void => {
    try {
      channel?.close();
    } catch {
      // Already closed by the actor (unknown-channel): nothing is left to release.
    }
  };

  const listener = {
    onMessage(message: Uint8Array): void {
      if (state === 'opening') early.push(message);
      if (state !== 'open') return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        send({
          type: 'error',
          error: { code: 'client-too-slow', message: `more than ${MAX_BUFFERED_BYTES} bytes wait unread: the channel is closed` },
        });
        closeChannel();
        end();
        return;
      }
      send({ type: 'message', base64: toBase64(message) });
    },
    onClose(): void {
      if (state === 'opening') {
        closedWhileOpening = true;
        return;
      }
      if (state !== 'open') return;
      send({ type: 'closed' });
      end();
    },
  };

  async function open(initial: Uint8Array): Promise<void> {
    state = 'opening';
    try {
      channel = await system.openChannel(actorId, initial, listener);
    } catch (error) {
      refuse(error);
      end();
      return;
    }
    if (socketClosed) {
      closeChannel();
      state = 'ended';
      return;
    }
    state = 'open';
    send({ type: 'opened', channelId: channel.id, welcome: channel.welcome === undefined ? null : toBase64(channel.welcome) });
    // The kernel also delivers the welcome as the channel's first message; the `opened` frame already carries it.
    const forwarded = channel.welcome !== undefined && early[0] === channel.welcome ? early.slice(1) : early;
    for (const message of forwarded) send({ type: 'message', base64: toBase64(message) });
    early.length = 0;
    if (closedWhileOpening) listener.onClose();
  }

  function handle(frame: ChannelClientFrame): Promise<void> | void {
    switch (frame.type) {
      case 'open':
        if (state !== 'awaiting-open') return invalid('the channel is already open');
        return open(frame.message);
      case 'message':
        if (state !== 'open') return invalid('send an open frame first');
        try {
          channel!.send(frame.message);
        } catch (error) {
          // A full mailbox, or the actor ending at this moment (its `closed` frame follows).
          refuse(error);
        }
        return;
      case 'close':
        if (state === 'open') closeChannel();
        end();
        return;
    }
  }

  socket.on('message', (data, isBinary) => {
    pending = pending
      .then(() => {
        if (state === 'ended') return;
        if (isBinary) return invalid('channel frames are JSON text frames');
        const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
        const parsed = parseChannelFrame(bytes.toString('utf8'));
        if ('problem' in parsed) return invalid(parsed.problem);
        return handle(parsed.frame);
      })
      .catch(refuse);
  });
  socket.on('close', () => {
    socketClosed = true;
    if (state === 'open') closeChannel();
    if (state !== 'opening') state = 'ended';
  });
}
