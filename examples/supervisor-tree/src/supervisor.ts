/**
 * A supervisor: spawns two workers (worker.toml) in `init` and keeps their ids in its state. Requests:
 * `send <worker 1|2> <text>` forwards a message to a worker; `status` replies with each worker's state (read through
 * `get-child-state`) and what `supervisor-handlers` reported, as JSON. The restart itself is the kernel's: the
 * manifest's `[supervision]` strategy restarts a crashed worker from its last committed state.
 *
 * @world supervisor-actor
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import type * as SupervisorHandlers from 'theater:simple/supervisor-handlers';
import { send } from 'theater:simple/message-server-host';
import { log } from 'theater:simple/runtime';
import { getChildState, spawn } from 'theater:simple/supervisor';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';

interface SupervisorState {
  workers: string[];
  reports: string[];
}

const EMPTY: SupervisorState = { workers: [], reports: [] };

export const actor: typeof Actor = {
  init(state) {
    const workers = [spawn('worker.toml', undefined), spawn('worker.toml', undefined)];
    log(`supervising ${workers.join(', ')}`);
    return [encodeJson({ ...decodeJson(state, EMPTY), workers } satisfies SupervisorState)];
  },
};

export const messageServerClient: typeof MessageServerClient = {
  handleSend(state) {
    return [state];
  },
  handleRequest(state, [, message]) {
    const current = decodeJson(state, EMPTY);
    const [verb, which, ...words] = decodeText(message).split(' ');
    if (verb === 'send') {
      const worker = current.workers[Number(which) - 1];
      if (worker === undefined) return [state, [encodeText(`no worker ${which}`)]];
      send(worker, encodeText(words.join(' ')));
      return [state, [encodeText('sent')]];
    }
    const workers = current.workers.map((id) => {
      const workerState = getChildState(id);
      return { id, state: workerState === undefined ? null : decodeText(workerState) };
    });
    return [state, [encodeText(JSON.stringify({ workers, reports: current.reports }))]];
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

export const supervisorHandlers: typeof SupervisorHandlers = {
  handleChildError(state, [child, error]) {
    const current = decodeJson(state, EMPTY);
    log(`worker ${child} failed: ${error.errorType}`);
    return [encodeJson({ ...current, reports: [...current.reports, `${child} failed (${error.errorType})`] } satisfies SupervisorState)];
  },
  handleChildExit(state, [child]) {
    const current = decodeJson(state, EMPTY);
    return [encodeJson({ ...current, reports: [...current.reports, `${child} exited`] } satisfies SupervisorState)];
  },
};
