/**
 * A chatter: talks to another chatter over a channel and keeps the conversation in its state.
 *
 * Requests are JSON commands: `{"connect": "<actor id>"}` opens a channel (the other side accepts and greets),
 * `{"say": "<text>"}` sends a line on it, `{"leave": true}` closes it, `{"history": true}` replies with the
 * conversation (`> ` sent, `< ` received, `* ` channel events). Saying or leaving with no channel open gets the error
 * reply `{"code": "not-connected", …}`, a channel the host refuses to open `{"code": "connect-failed", …}`: answers,
 * after which the chatter keeps running. Channel messages are JSON lines `{"from": "<name>", "text": "<text>"}`.
 * The initial state names the chatter: `{"name": "alice"}`.
 */
import { closeChannel, openChannel, sendOnChannel } from 'theater:simple/message-server-host';
import { log } from 'theater:simple/runtime';
import { accept, defineActor, encodeJson, reply, replyError } from '@theater/sdk/guest';

interface Chat {
  name: string;
  channel: string | null;
  history: string[];
}

/** What travels on the channel, the opening greeting and the acceptance included. */
interface Line {
  from: string;
  text: string;
}

type Command = { connect: string } | { say: string } | { leave: true } | { history: true };

const EMPTY: Chat = { name: 'chatter', channel: null, history: [] };

const noted = (chat: Chat, entry: string): Chat => ({ ...chat, history: [...chat.history, entry] });

/** A host call's `err(…)` reaches the guest as a string, or as an error carrying it in `payload`. */
const hostError = (error: unknown): string =>
  typeof error === 'string' ? error : String((error as { payload?: unknown }).payload ?? error);

export default defineActor({
  state: () => EMPTY,

  // The initial state may give only the name: fill in the rest.
  init: (chat) => ({ ...EMPTY, ...chat }),

  onRequest(chat, command: Command) {
    if ('history' in command) return reply(chat, chat.history);
    if ('connect' in command) {
      try {
        const channel = openChannel(command.connect, encodeJson({ from: chat.name, text: `hello from ${chat.name}` } satisfies Line));
        return reply({ ...noted(chat, `* connected to ${command.connect}`), channel }, 'connected');
      } catch (error) {
        return replyError(chat, { code: 'connect-failed', message: hostError(error) });
      }
    }
    if (chat.channel === null) return replyError(chat, { code: 'not-connected', message: 'no channel is open' });
    if ('say' in command) {
      sendOnChannel(chat.channel, encodeJson({ from: chat.name, text: command.say } satisfies Line));
      return reply(noted(chat, `> ${command.say}`), 'said');
    }
    closeChannel(chat.channel);
    return reply({ ...noted(chat, '* left'), channel: null }, 'left');
  },

  onChannelOpen(chat, hello: Line, { channelId }) {
    log(`channel ${channelId} opened by ${hello.from}`);
    return accept({ ...noted(chat, `* ${hello.text}`), channel: channelId }, { from: chat.name, text: 'welcome' });
  },

  onChannelMessage: (chat, line: Line) => noted(chat, `< ${line.from}: ${line.text}`),

  onChannelClose: (chat) => ({ ...noted(chat, '* the other side left'), channel: null }),
});
