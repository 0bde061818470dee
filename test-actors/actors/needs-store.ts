/**
 * needs-store (world store-actor: runtime, message-server-host and store): a send creates a store.
 *
 * Its manifest grants only runtime and message-server, so the kernel must refuse to start it: the component imports
 * `theater:simple/store`, which is not granted.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { log } from 'theater:simple/runtime';
import { new as newStore } from 'theater:simple/store';

export const actor: typeof Actor = {
  init(state) {
    return [state];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state) {
    log(`store ${newStore()}`);
    return [state];
  },
  handleRequest(state) {
    return [state, [undefined]];
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
