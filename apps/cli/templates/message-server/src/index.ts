/**
 * {{name}}: a chat room other actors talk to with send, request and channels.
 *
 * - send `{"post": "<text>"}` adds a message to the history and forwards it on every open channel;
 *   `{"tell": {"to": "<actor id>", "post": "<text>"}}` sends a post on to another room;
 * - request `{"history": true}` replies with the messages, `{"members": true}` with the open channels, and
 *   `{"ask": {"to": "<actor id>", "query": …}}` with what that actor replied (or the error reply `unreachable`);
 * - a channel opened with `{"join": "<nick>"}` is a member: its messages are posts, and it receives every post.
 */
import { log } from 'theater:simple/runtime';
import { sendOnChannel } from 'theater:simple/message-server-host';
import { accept, defineActor, encodeJson, refuse, reply, replyError } from '@theater/sdk/guest';
import { MessagingError, request, send } from '@theater/sdk/messaging';

type Message = { post: string } | { tell: { to: string; post: string } };
type Query = { history: true } | { members: true } | { ask: { to: string; query: unknown } };
type ChannelMessage = { join: string } | { post: string };

interface Room {
  history: string[];
  /** Open channels: id → the member's nick. */
  members: Record<string, string>;
}

/** Adds `text` to the history and forwards it to every member. */
function post(room: Room, text: string): Room {
  for (const channel of Object.keys(room.members)) sendOnChannel(channel, encodeJson({ post: text }));
  return { ...room, history: [...room.history, text] };
}

export default defineActor({
  state: (): Room => ({ history: [], members: {} }),

  onSend(room, message: Message) {
    if ('tell' in message) {
      send(message.tell.to, { post: message.tell.post });
      return room;
    }
    log(`post: ${message.post}`);
    return post(room, message.post);
  },

  onRequest(room, query: Query) {
    if ('history' in query) return reply(room, room.history);
    if ('members' in query) return reply(room, Object.values(room.members));
    try {
      return reply(room, request(query.ask.to, query.ask.query));
    } catch (error) {
      if (!(error instanceof MessagingError)) throw error;
      return replyError(room, { code: 'unreachable', message: error.message });
    }
  },

  onChannelOpen(room, message: ChannelMessage, { channelId }) {
    if (!('join' in message)) return refuse(room);
    log(`${message.join} joined`);
    return accept({ ...room, members: { ...room.members, [channelId]: message.join } }, { post: `welcome, ${message.join}` });
  },

  onChannelMessage(room, message: ChannelMessage, { channelId }) {
    return 'post' in message ? post(room, `${room.members[channelId] ?? 'someone'}: ${message.post}`) : room;
  },

  onChannelClose(room, { channelId }) {
    const { [channelId]: left, ...members } = room.members;
    log(`${left ?? 'someone'} left`);
    return { ...room, members };
  },
});
