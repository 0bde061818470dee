/**
 * messenger (world message-server-actor): drives every message-server-host function from requests, so tests can
 * exercise actor-to-actor messaging. Requests are text commands; the reply says what happened (`error:<message>`
 * when the host returned an error):
 *
 * - `ask <actor> <text>`: request; reply `reply:<their reply>`.
 * - `tell <actor> <text>`: send; reply `sent`.
 * - `askn <n> <actor> <text>` / `telln <n> <actor> <text>`: n requests or sends in a row (benchmarks).
 * - `sendall <actor>:<text> <actor>:<text> ...`: those sends in a row in one operation, each whatever the previous one
 *   did; reply: the outcomes as JSON (`sent` or `error:<message>` each).
 * - `defer`: answers nothing now (the request stays outstanding).
 * - `outstanding`: the outstanding request ids, as JSON.
 * - `respond <request-id> <text>` / `cancel <request-id>`: answer or drop a deferred request.
 * - `open <actor> <text>`: open a channel; reply `channel:<id>`. `chan <channel> <text>`: send on it.
 *   `close <channel>`: close it.
 * - `log`: everything received (sends, channel opens, messages and closes), as JSON.
 * - anything else: `echo:<text>`.
 *
 * A channel opened with the message `reject` is rejected; others are accepted with the reply `welcome`.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import {
  cancelRequest,
  closeChannel,
  listOutstandingRequests,
  openChannel,
  request,
  respondToRequest,
  send,
  sendOnChannel,
} from 'theater:simple/message-server-host';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';

interface MessengerState {
  log: string[];
}

const EMPTY: MessengerState = { log: [] };

function logged(state: Uint8Array | undefined, entry: string): Uint8Array {
  const { log } = decodeJson(state, EMPTY);
  return encodeJson({ log: [...log, entry] } satisfies MessengerState);
}

/** Runs a host call that returns `result<_, string>` and describes the outcome. */
function command(text: string): string | undefined {
  const [verb = '', first = '', ...rest] = text.split(' ');
  const tail = rest.join(' ');
  switch (verb) {
    case 'ask':
      return attempt(() => `reply:${decodeText(request(first, encodeText(tail)))}`);
    case 'tell':
      return attempt(() => (send(first, encodeText(tail)), 'sent'));
    case 'askn':
      // `askn <n> <actor> <text>`: n requests in a row (for benchmarks); reply: how many were answered.
      return attempt(() => {
        const [actorId = '', ...words] = tail.split(' ');
        const body = encodeText(words.join(' '));
        let answered = 0;
        for (let i = 0; i < Number(first); i++) if (request(actorId, body).length >= 0) answered += 1;
        return `answered:${answered}`;
      });
    case 'telln':
      // `telln <n> <actor> <text>`: n sends in a row; reply: how many were accepted.
      return attempt(() => {
        const [actorId = '', ...words] = tail.split(' ');
        const body = encodeText(words.join(' '));
        for (let i = 0; i < Number(first); i++) send(actorId, body);
        return `sent:${first}`;
      });
    case 'sendall':
      // `sendall <actor>:<text> ...`: sends in a row, in one operation; `?<actor>:<text>` is a request among them.
      return JSON.stringify(
        [first, ...rest].map((pair) => {
          const [actorId = '', body = ''] = pair.split(':');
          if (actorId.startsWith('?')) return attempt(() => `reply:${decodeText(request(actorId.slice(1), encodeText(body)))}`);
          return attempt(() => (send(actorId, encodeText(body)), 'sent'));
        }),
      );
    case 'defer':
      return undefined;
    case 'outstanding':
      return JSON.stringify(listOutstandingRequests());
    case 'respond':
      return attempt(() => (respondToRequest(first, encodeText(tail)), 'responded'));
    case 'cancel':
      return attempt(() => (cancelRequest(first), 'cancelled'));
    case 'open':
      return attempt(() => `channel:${openChannel(first, encodeText(tail))}`);
    case 'chan':
      return attempt(() => (sendOnChannel(first, encodeText(tail)), 'ok'));
    case 'close':
      return attempt(() => (closeChannel(first), 'closed'));
    default:
      return `echo:${text}`;
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [state ?? encodeJson(EMPTY)];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    return [logged(state, `send ${decodeText(message)}`)];
  },
  handleRequest(state, [, message]) {
    const text = decodeText(message);
    if (text === 'log') return [state, [encodeText(JSON.stringify(decodeJson(state, EMPTY).log))]];
    const reply = command(text);
    return [state, [reply === undefined ? undefined : encodeText(reply)]];
  },
  handleChannelOpen(state, [channel, message]) {
    const text = decodeText(message);
    const accepted = text !== 'reject';
    return [logged(state, `open ${channel} ${text}`), [accepted ? { accepted, message: encodeText('welcome') } : { accepted }]];
  },
  handleChannelMessage(state, [channel, message]) {
    return [logged(state, `msg ${channel} ${decodeText(message)}`)];
  },
  handleChannelClose(state, [channel]) {
    return [logged(state, `close ${channel}`)];
  },
};
