/**
 * probe (world probe-actor, see probe-wit/): calls timing, random and environment from text requests; replies what
 * the host returned (`error:<message>` for an `err`):
 *
 * - `now`, `sleep <ms>`; `bytes <n>` (hex), `range <min> <max>`, `float`, `uuid`;
 * - `env <name>` (`none` when absent), `exists <name>`, `vars` (JSON).
 */
import type * as Actor from 'theater:simple/actor';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import { exists, getVar, listVars } from 'theater:simple/environment';
import { generateUuid, randomBytes, randomFloat, randomRange } from 'theater:simple/random';
import { now, sleep } from 'theater:simple/timing';
import { decodeText, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function command(text: string): string {
  const [verb = '', first = '', second = ''] = text.split(' ');
  switch (verb) {
    case 'now':
      return String(now());
    case 'sleep':
      return attempt(() => (sleep(BigInt(first)), 'slept'));
    case 'bytes':
      return attempt(() => hex(randomBytes(Number(first))));
    case 'range':
      return attempt(() => String(randomRange(BigInt(first), BigInt(second))));
    case 'float':
      return attempt(() => String(randomFloat()));
    case 'uuid':
      return attempt(() => generateUuid());
    case 'env':
      return getVar(first) ?? 'none';
    case 'exists':
      return String(exists(first));
    case 'vars':
      return JSON.stringify(listVars());
    default:
      return `unknown command ${verb}`;
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [state];
  },
};

export const messageServerClient: typeof MessageServerClient = {
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
