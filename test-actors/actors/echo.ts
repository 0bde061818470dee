/**
 * echo (world message-receiver-actor): counts sends and channel messages in its JSON state `{"count": n}`.
 *
 * Sends log `got <text>`. Requests reply `echo:<bytes>`, except `state` (the JSON state), `chain` (the number of
 * events in the actor's chain), `chain-json` (type and hash sizes of each event), `stored` (runtime get-state) and `shutdown` (asks the runtime to stop the actor with data `bye`).
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { getChain, getState, log, shutdown } from 'theater:simple/runtime';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';

interface EchoState {
  count: number;
}

const EMPTY: EchoState = { count: 0 };

function counted(state: Uint8Array | undefined): Uint8Array {
  const { count } = decodeJson(state, EMPTY);
  return encodeJson({ count: count + 1 } satisfies EchoState);
}

export const actor: typeof Actor = {
  init(state, [id]) {
    log(`init ${id}`);
    return [state ?? encodeJson(EMPTY)];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    log(`got ${decodeText(message)}`);
    return [counted(state)];
  },
  handleRequest(state, [, message]) {
    const text = decodeText(message);
    if (text === 'state') return [state, [state ?? encodeJson(EMPTY)]];
    if (text === 'chain') return [state, [encodeText(String(getChain().length))]];
    if (text === 'chain-json') {
      const events = getChain().map((e) => ({
        type: e.eventType,
        parent: e.parentHash?.length ?? 0,
        hash: e.hash.length,
        t: Number(e.timestamp),
      }));
      return [state, [encodeText(JSON.stringify(events))]];
    }
    if (text === 'stored') return [state, [getState() ?? encodeText('none')]];
    if (text === 'shutdown') {
      shutdown(encodeText('bye'));
      return [state, [encodeText('bye')]];
    }
    const prefix = encodeText('echo:');
    const reply = new Uint8Array(prefix.byteLength + message.byteLength);
    reply.set(prefix);
    reply.set(message, prefix.byteLength);
    return [state, [reply]];
  },
  handleChannelOpen(state) {
    return [state, [{ accepted: true }]];
  },
  handleChannelMessage(state, [, message]) {
    log(`got ${decodeText(message)}`);
    return [counted(state)];
  },
  handleChannelClose(state) {
    return [state];
  },
};
