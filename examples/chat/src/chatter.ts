/**
 * A chatter: talks to another chatter over a channel and keeps the conversation in its state. Requests:
 * `connect <actor>` opens a channel (the other side accepts and greets), `say <text>` sends on it, `leave` closes
 * it, `history` replies with the conversation as JSON lines (`> ` sent, `< ` received, `* ` channel events).
 *
 * @world message-server-actor
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { closeChannel, openChannel, sendOnChannel } from 'theater:simple/message-server-host';
import { log } from 'theater:simple/runtime';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';

interface ChatState {
  name: string;
  channel: string | null;
  history: string[];
}

const EMPTY: ChatState = { name: 'chatter', channel: null, history: [] };

/** The state with every field present (the initial state may give only the name). */
function read(state: Uint8Array | undefined): ChatState {
  return { ...EMPTY, ...decodeJson<Partial<ChatState>>(state, {}) };
}

function update(state: Uint8Array | undefined, change: (chat: ChatState) => Partial<ChatState>): Uint8Array {
  const chat = read(state);
  return encodeJson({ ...chat, ...change(chat) } satisfies ChatState);
}

function reply(state: Uint8Array | undefined, text: string): [Uint8Array | undefined, [Uint8Array]] {
  return [state, [encodeText(text)]];
}

export const actor: typeof Actor = {
  init(state) {
    // The initial state names the chatter: `{"name": "alice"}`.
    return [update(state, () => ({}))];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state) {
    return [state];
  },
  handleRequest(state, [, message]) {
    const text = decodeText(message);
    const chat = read(state);
    const space = text.indexOf(' ');
    const verb = space < 0 ? text : text.slice(0, space);
    const rest = space < 0 ? '' : text.slice(space + 1);
    try {
      if (verb === 'connect') {
        const channel = openChannel(rest, encodeText(`hello from ${chat.name}`));
        return reply(update(state, (c) => ({ channel, history: [...c.history, `* connected to ${rest}`] })), 'connected');
      }
      if (verb === 'say' && chat.channel !== null) {
        sendOnChannel(chat.channel, encodeText(`${chat.name}: ${rest}`));
        return reply(update(state, (c) => ({ history: [...c.history, `> ${rest}`] })), 'said');
      }
      if (verb === 'leave' && chat.channel !== null) {
        closeChannel(chat.channel);
        return reply(update(state, (c) => ({ channel: null, history: [...c.history, '* left'] })), 'left');
      }
      if (verb === 'history') return reply(state, JSON.stringify(chat.history));
      return reply(state, `cannot ${verb} now`);
    } catch (error) {
      return reply(state, `error: ${typeof error === 'string' ? error : String((error as { payload?: unknown }).payload ?? error)}`);
    }
  },
  handleChannelOpen(state, [channel, message]) {
    log(`channel ${channel} opened: ${decodeText(message)}`);
    const name = read(state).name;
    return [
      update(state, (c) => ({ channel, history: [...c.history, `* ${decodeText(message)}`] })),
      [{ accepted: true, message: encodeText(`${name}: welcome`) }],
    ];
  },
  handleChannelMessage(state, [, message]) {
    return [update(state, (c) => ({ history: [...c.history, `< ${decodeText(message)}`] }))];
  },
  handleChannelClose(state) {
    return [update(state, (c) => ({ channel: null, history: [...c.history, '* the other side left'] }))];
  },
};
