/**
 * For the test actors that answer text commands: a request's text goes to a command and its reply text comes back,
 * sends are ignored and channels refused. Stateless actors also share `init`.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { decodeText, encodeText } from '@theater/sdk/guest';

export const statelessActor: typeof Actor = {
  init(state) {
    return [state];
  },
};

/** An actor's state, as the guest bindings carry it. */
type State = Uint8Array | undefined;

/** A message-server-client whose requests are text commands answered by `command`, which may change the state. */
export function statefulCommandServer(command: (state: State, text: string) => [State, string]): typeof MessageServerClient {
  return {
    handleSend(state) {
      return [state];
    },
    handleRequest(state, [, message]) {
      const [next, reply] = command(state, decodeText(message));
      return [next, [encodeText(reply)]];
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

/** A message-server-client whose requests are text commands answered by `command`, leaving the state as it is. */
export function commandServer(command: (text: string) => string): typeof MessageServerClient {
  return statefulCommandServer((state, text) => [state, command(text)]);
}
