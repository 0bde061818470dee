/**
 * overseer (world supervisor-actor): drives every supervisor function from text requests, and logs what
 * supervisor-handlers tells it. Replies say what happened (`error:<message>` when the host returned an error):
 *
 * - `spawn <manifest>`: a manifest path relative to this actor's manifest, or inline TOML; reply: the child id.
 * - `resume <id>`: resume a stopped child; reply: its id.
 * - `children`: the child ids, as JSON. `stop <id>`, `restart <id>`: reply `ok`.
 * - `state <id>`: the child's state as text (`none` when it has none). `events <id>`: its event types, as JSON.
 * - `ask <id> <text>` / `tell <id> <text>`: a request or send to any actor; reply `reply:<reply>` / `sent`.
 * - `crash`: the overseer traps (its children must not outlive it).
 * - `log`: what supervisor-handlers reported: `error <child> <wit-error-type>` and `exit <child> <data>`, as JSON.
 */
import type * as Actor from 'theater:simple/actor';
import type * as SupervisorHandlers from 'theater:simple/supervisor-handlers';
import { request, send } from 'theater:simple/message-server-host';
import { getChildEvents, getChildState, listChildren, restartChild, resume, spawn, stopChild } from 'theater:simple/supervisor';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { statefulCommandServer } from './shared/commandActor.js';

interface OverseerState {
  log: string[];
}

const EMPTY: OverseerState = { log: [] };

function logged(state: Uint8Array | undefined, entry: string): Uint8Array {
  const { log } = decodeJson(state, EMPTY);
  return encodeJson({ log: [...log, entry] } satisfies OverseerState);
}

function command(text: string): string {
  const space = text.indexOf(' ');
  const verb = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? '' : text.slice(space + 1);
  const [first = '', ...others] = rest.split(' ');
  const tail = others.join(' ');
  switch (verb) {
    case 'spawn':
      return attempt(() => spawn(rest, undefined));
    case 'resume':
      return attempt(() => resume(first, undefined));
    case 'children':
      return JSON.stringify(listChildren());
    case 'stop':
      return attempt(() => (stopChild(first), 'ok'));
    case 'restart':
      return attempt(() => (restartChild(first), 'ok'));
    case 'state':
      return attempt(() => {
        const state = getChildState(first);
        return state === undefined ? 'none' : decodeText(state);
      });
    case 'events':
      return attempt(() => JSON.stringify(getChildEvents(first).map((event) => event.eventType)));
    case 'ask':
      return attempt(() => `reply:${decodeText(request(first, encodeText(tail)))}`);
    case 'tell':
      return attempt(() => (send(first, encodeText(tail)), 'sent'));
    case 'crash':
      // A thrown Error traps a componentize-js guest: the overseer itself fails.
      throw new Error('crash requested');
    default:
      return `unknown command ${verb}`;
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [state ?? encodeJson(EMPTY)];
  },
};

export const messageServerClient = statefulCommandServer((state, text) => [
  state,
  text === 'log' ? JSON.stringify(decodeJson(state, EMPTY).log) : command(text),
]);

export const supervisorHandlers: typeof SupervisorHandlers = {
  handleChildError(state, [child, error]) {
    return [logged(state, `error ${child} ${error.errorType}`)];
  },
  handleChildExit(state, [child, data]) {
    return [logged(state, `exit ${child} ${data === undefined ? 'none' : decodeText(data)}`)];
  },
};
