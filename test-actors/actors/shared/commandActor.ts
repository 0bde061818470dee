/**
 * For the stateless test actors that answer text commands: `init` keeps the state, a request's text goes to
 * `command` and its reply text comes back, sends are ignored and channels refused.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { decodeText, encodeText } from '@theater/sdk/guest';

export const statelessActor: typeof Actor = {
  init(state) {
    return [state];
  },
};

/** A message-server-client whose requests are text commands answered by `command`. */
export function commandServer(command: (text: string) => string): typeof MessageServerClient {
  return {
    handleSend(state) {
      return [state];
    },
    handleRequest(state, [, message]) {
      return [state, [encodeText(command(decodeText(message)))]];
    },
    handleChannelOpen(state) {
      return [state, [{ accepted: false }]];
    },
    handleChannelMessage(state) {
      return [state];
    },
    handleChannelClose(state) {
      return [state];
    },
  };
}
