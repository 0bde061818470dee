/**
 * probe (world probe-actor, see probe-wit/): calls timing, random and environment from text requests; replies what
 * the host returned (`error:<message>` for an `err`):
 *
 * - `now`, `sleep <ms>`; `bytes <n>` (hex), `range <min> <max>`, `float`, `uuid`;
 * - `env <name>` (`none` when absent), `exists <name>`, `vars` (JSON).
 */
import { exists, getVar, listVars } from 'theater:simple/environment';
import { generateUuid, randomBytes, randomFloat, randomRange } from 'theater:simple/random';
import { now, sleep } from 'theater:simple/timing';
import { attempt } from './shared/attempt.js';
import { commandServer, statelessActor } from './shared/commandActor.js';

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

export const actor = statelessActor;

export const messageServerClient = commandServer(command);
