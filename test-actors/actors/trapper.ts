/**
 * trapper (world message-receiver-actor): the message `trap` makes a real WebAssembly trap; `fail` a guest error.
 *
 * A send or request `trap` returns a state that is not `Uint8Array | undefined`. componentize-js cannot lower it
 * and executes `unreachable`, so the host sees a `WebAssembly.RuntimeError` (and the instance is dead), not a
 * `result` error. `fail` throws an {@link ActorError}, which comes back as `err("requested failure")`. Any other
 * send is counted in the JSON state `{"count": n}`; any other request replies with that state.
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { log } from 'theater:simple/runtime';
import { ActorError, decodeJson, decodeText, encodeJson } from '@theater/sdk/guest';

type State = Uint8Array | undefined;

/** A value the canonical ABI cannot lower as `option<list<u8>>`: returning it traps. */
function unlowerable(): State {
  return 12345 as unknown as State;
}

function react(text: string): void {
  if (text === 'fail') throw new ActorError('requested failure');
}

export const actor: typeof Actor = {
  init(state, [id]) {
    log(`trapper ${id} ready`);
    return [state ?? encodeJson({ count: 0 })];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state, [message]) {
    const text = decodeText(message);
    if (text === 'trap') return [unlowerable()];
    react(text);
    const { count } = decodeJson(state, { count: 0 });
    return [encodeJson({ count: count + 1 })];
  },
  handleRequest(state, [, message]) {
    const text = decodeText(message);
    if (text === 'trap') return [unlowerable(), [undefined]];
    react(text);
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
