/**
 * One outgoing HTTP(S) exchange over node:http / node:https, bounded in time and in response size. Redirects are
 * never followed (node:http does not), so a 3xx response is returned as it came. Every failure rejects with a
 * HostCallError whose message says what happened; nothing of Node's internals reaches the guest.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HostCallError, type HostInterfaces } from '@theater/kernel';
import { concatBytes, headerPairs } from './wire.js';

type HttpResponse = Awaited<ReturnType<HostInterfaces['theater:simple/http-client']['sendHttp']>>;

/** A request that has passed every check. */
export interface OutgoingRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Uint8Array | undefined;
}

/** What bounds one exchange. */
export interface ExchangeLimits {
  /** The whole exchange, from connecting to the last body byte. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Requests in flight, so that they can be aborted when the actor ends. */
  readonly inFlight: Set<ClientRequest>;
}

/**
 * Sends `outgoing` on a fresh connection (no agent: nothing is shared between actors or kept alive after the call)
 * and resolves with the response; its body is `undefined` when the response had no body bytes.
 */
export function sendRequest(outgoing: OutgoingRequest, limits: ExchangeLimits): Promise<HttpResponse> {
  const { url } = outgoing;
  let request: ClientRequest;
  try {
    request = (url.protocol === 'https:' ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      // node:http wants an IPv6 address without its brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: outgoing.method,
      headers: outgoing.headers,
      agent: false,
    });
  } catch (error) {
    // The checks before should leave nothing for node:http to refuse; if it does, say so rather than fail inside.
    return Promise.reject(new HostCallError(`invalid request: ${describe(error as Error)}`));
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let responded = false;
    const settle = (outcome: { response: HttpResponse } | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.inFlight.delete(request);
      if ('response' in outcome) {
        resolve(outcome.response);
      } else {
        request.destroy();
        reject(new HostCallError(outcome.error));
      }
    };
    const timer = setTimeout(() => settle({ error: `timed out after ${limits.timeoutMs} ms` }), limits.timeoutMs);
    limits.inFlight.add(request);

    request.on('error', (error) => settle({ error: `request failed: ${describe(error)}` }));
    request.on('close', () => {
      if (!responded) settle({ error: 'request failed: the connection closed without a response' });
    });
    request.on('response', (response) => {
      responded = true;
      readBody(response, outgoing.method, limits.maxResponseBytes, settle);
    });
    // A 101 answer to an Upgrade request ends the HTTP exchange: return it, and close the upgraded connection.
    request.on('upgrade', (response: IncomingMessage, socket) => {
      responded = true;
      socket.destroy();
      settle({ response: { status: response.statusCode ?? 0, headers: headerPairs(response.rawHeaders) } });
    });
    request.end(outgoing.body);
  });
}

function readBody(
  response: IncomingMessage,
  method: string,
  maxBytes: number,
  settle: (outcome: { response: HttpResponse } | { error: string }) => void,
): void {
  const tooLarge = { error: `the response body exceeds max_response_bytes (${maxBytes})` };
  // Refuse at once what the server announces as too large, rather than reading up to the limit first; the answer to a
  // HEAD, a 204 or a 304 announces a length but has no body.
  const bodiless = method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;
  if (!bodiless && Number(response.headers['content-length']) > maxBytes) return settle(tooLarge);
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > maxBytes) settle(tooLarge);
    else chunks.push(chunk);
  });
  response.on('error', (error) => settle({ error: `reading the response failed: ${describe(error)}` }));
  response.on('close', () => settle({ error: 'reading the response failed: the connection closed before the body ended' }));
  response.on('end', () => {
    const status = response.statusCode ?? 0;
    const headers = headerPairs(response.rawHeaders);
    settle({ response: size === 0 ? { status, headers } : { status, headers, body: concatBytes(chunks, size) } });
  });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined || error.message.includes(code) ? error.message : `${error.message} (${code})`;
}
