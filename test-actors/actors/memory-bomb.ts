/**
 * memory-bomb (world message-receiver-actor): a send `bomb` allocates 1 MiB blocks, touching each, until allocation
 * fails. Under a memory cap the engine raises `out of memory`, which the export returns as its error; the blocks are
 * then released so the actor can go on. Any other send is counted in the JSON state `{"count": n}`.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { log } from 'theater:simple/runtime';
import { decodeJson, decodeText, encodeJson } from '@theater/sdk/guest';

const MIB = 1024 * 1024;
/** Module-level so that nothing allocated can be collected while the bomb runs. */
const hoard: Uint8Array[] = [];

function bomb(): never {
  try {
    for (;;) hoard.push(new Uint8Array(MIB).fill(hoard.length & 0xff));
  } finally {
    const held = hoard.length;
    hoard.length = 0;
    log(`bomb held ${held} MiB`);
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [state ?? encodeJson({ count: 0 })];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    if (decodeText(message) === 'bomb') bomb();
    const { count } = decodeJson(state, { count: 0 });
    return [encodeJson({ count: count + 1 })];
  },
  handleRequest(state) {
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
