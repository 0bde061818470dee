/**
 * A worker: counts the messages it is sent in its JSON state `{"count": n}`. The message `crash` makes it trap
 * (a real WebAssembly trap), so its supervisor restarts it. A request replies with its state.
 *
 * @world message-receiver-actor
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { log } from 'theater:simple/runtime';
import { decodeJson, decodeText, encodeJson } from '@theater/sdk/guest';

interface WorkerState {
  count: number;
}

export const actor: typeof Actor = {
  init(state, [id]) {
    log(`worker ${id} starting with ${state === undefined ? 'no state' : decodeText(state)}`);
    return [state ?? encodeJson({ count: 0 } satisfies WorkerState)];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    if (decodeText(message) === 'crash') {
      log('crashing');
      // A number is no `option<list<u8>>`: componentize-js cannot lower it and traps (`unreachable`).
      return [12345 as unknown as Uint8Array];
    }
    const count = decodeJson<WorkerState>(state, { count: 0 }).count + 1;
    return [encodeJson({ count } satisfies WorkerState)];
  },
  handleRequest(state) {
    return [state, [state]];
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
