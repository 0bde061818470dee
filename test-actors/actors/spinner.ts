/**
 * spinner (world message-receiver-actor): a send or request `spin` never returns (`while (true) {}`); any other send
 * is counted in the JSON state `{"count": n}` and any other request replies with that state.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { decodeJson, decodeText, encodeJson } from '@theater/sdk/guest';

function spin(): never {
  while (true) {}
}

export const actor: typeof Actor = {
  init(state) {
    return [state ?? encodeJson({ count: 0 })];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    if (decodeText(message) === 'spin') spin();
    const { count } = decodeJson(state, { count: 0 });
    return [encodeJson({ count: count + 1 })];
  },
  handleRequest(state, [, message]) {
    if (decodeText(message) === 'spin') spin();
    return [state, [state]];
  },
  handleChannelOpen(state) {
    return [state, [{ accepted: true }]];
  },
  handleChannelMessage(state) {
    return [state];
  },
  handleChannelClose(state) {
    return [state];
  },
};
