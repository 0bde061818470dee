/**
 * A counter actor: counts the messages it is sent and answers requests with the count.
 *
 * State is the JSON `{"count": n}`. Sends and channel messages increment it; a request replies with the count as
 * text (e.g. `3`) and leaves it unchanged.
 *
 * @world message-receiver-actor
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { log } from 'theater:simple/runtime';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';

interface CounterState {
  count: number;
}

const INITIAL: CounterState = { count: 0 };

function increment(state: Uint8Array | undefined, message: Uint8Array): Uint8Array {
  const count = decodeJson(state, INITIAL).count + 1;
  log(`message ${count}: ${decodeText(message)}`);
  return encodeJson({ count } satisfies CounterState);
}

export const actor: typeof Actor = {
  init(state, [id]) {
    log(`counter ${id} starting`);
    return [state ?? encodeJson(INITIAL)];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    return [increment(state, message)];
  },
  handleRequest(state) {
    return [state, [encodeText(String(decodeJson(state, INITIAL).count))]];
  },
  handleChannelOpen(state) {
    return [state, [{ accepted: true }]];
  },
  handleChannelMessage(state, [, message]) {
    return [increment(state, message)];
  },
  handleChannelClose(state) {
    return [state];
  },
};
