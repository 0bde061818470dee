/**
 * fetcher (world fetcher-actor, see capability-wit/): sends HTTP requests through `http-client` from text requests
 * and replies with the response as JSON `{"status", "headers", "body"}` (body as UTF-8 text, `null` for none), or
 * `error:<message>` for an `err`:
 *
 * - `get <url>`; `post <url> <body...>`; `method <METHOD> <url>` (no body); `big <url> <n>` (POST of n bytes `x`);
 * - `send <json>`: the request exactly as given, `{"method", "uri", "headers"?: [[name, value]...], "body"?: text}`;
 * - `env <name>`: the variable's value through `environment` (`none` when absent);
 * - `bearer <name> <json>`: as `send`, with an `authorization: Bearer <value of name>` header added (the way an agent
 *   passes its API key on); `error:no <name>` when the variable is absent.
 */
import { getVar } from 'theater:simple/environment';
import { sendHttp } from 'theater:simple/http-client';
import type { HttpRequest } from 'theater:simple/http-types';
import { decodeText, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { commandServer, statelessActor } from './shared/commandActor.js';

function fetch(request: HttpRequest): string {
  return attempt(() => {
    const response = sendHttp(request);
    return JSON.stringify({
      status: response.status,
      headers: response.headers,
      body: response.body === undefined ? null : decodeText(response.body),
    });
  });
}

interface SendCommand {
  readonly method: string;
  readonly uri: string;
  readonly headers?: Array<[string, string]>;
  readonly body?: string;
}

function request(sent: SendCommand): HttpRequest {
  return {
    method: sent.method,
    uri: sent.uri,
    headers: sent.headers ?? [],
    ...(sent.body === undefined ? {} : { body: encodeText(sent.body) }),
  };
}

function command(text: string): string {
  const [verb = '', first = '', second = ''] = text.split(' ');
  switch (verb) {
    case 'get':
      return fetch({ method: 'GET', uri: first, headers: [] });
    case 'post':
      return fetch({ method: 'POST', uri: first, headers: [], body: encodeText(text.split(' ').slice(2).join(' ')) });
    case 'method':
      return fetch({ method: first, uri: second, headers: [] });
    case 'big':
      return fetch({ method: 'POST', uri: first, headers: [], body: new Uint8Array(Number(second)).fill(0x78) });
    case 'send':
      return fetch(request(JSON.parse(text.slice('send '.length)) as SendCommand));
    case 'env':
      return getVar(first) ?? 'none';
    case 'bearer': {
      const key = getVar(first);
      if (key === undefined) return `error:no ${first}`;
      const sent = request(JSON.parse(text.slice(`bearer ${first} `.length)) as SendCommand);
      return fetch({ ...sent, headers: [...sent.headers, ['authorization', `Bearer ${key}`]] });
    }
    default:
      return `unknown command ${verb}`;
  }
}

export const actor = statelessActor;

export const messageServerClient = commandServer(command);
