/**
 * How the client talks to a server: JSON over fetch with the bearer token, and WebSockets (the `ws` package, which
 * can send the token header on Node 20). Every failure becomes a TheaterApiError.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { TheaterApiError } from './theaterApiError.js';

/** Query parameters; undefined ones are left out, arrays repeat the key. */
export type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Options of one call. */
export interface CallOptions {
  readonly body?: unknown;
  readonly query?: Query;
  readonly signal?: AbortSignal;
  /** Sent as `x-request-id` (default: a new UUID). */
  readonly requestId?: string;
}

/** A connection's address and credentials. */
export interface TransportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:4680`. */
  readonly url: string;
  readonly token: string;
  /** Abandon a call after this many ms (default 120 000; 0 = never). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export class Transport {
  readonly url: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: TransportOptions) {
    this.url = options.url.replace(/\/+$/u, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Calls a JSON route and returns its parsed body; a non-2xx answer is thrown as the server's error. */
  async json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.fetch(method, path, options);
    return (await parseBody(response)) as T;
  }

  /** Calls a route and returns the response when it is 2xx (for streamed bodies); otherwise throws its error. */
  async fetch(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const requestId = options.requestId ?? randomUUID();
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, 'x-request-id': requestId };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const signals = [options.signal, this.#timeoutMs > 0 ? AbortSignal.timeout(this.#timeoutMs) : undefined].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    let response: Response;
    try {
      response = await fetch(this.address(path, options.query), {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
      });
    } catch (cause) {
      throw networkError(this.url, cause, requestId);
    }
    if (response.ok) return response;
    throw await errorOf(response, requestId);
  }

  /**
   * Opens a WebSocket to `path` with the token; resolves once it is open, or rejects with the server's refusal.
   * `onOpen` runs as it opens, before any message is emitted: frames the server sends right after the upgrade can
   * arrive with it and be emitted before the caller's code after `await` runs, so listeners belong there.
   */
  websocket(path: string, query?: Query, options: { readonly onOpen?: (socket: WebSocket) => void } = {}): Promise<WebSocket> {
    const requestId = randomUUID();
    const socket = new WebSocket(this.address(path, query).replace(/^http/u, 'ws'), {
      headers: { authorization: `Bearer ${this.#token}`, 'x-request-id': requestId },
      handshakeTimeout: this.#timeoutMs > 0 ? this.#timeoutMs : undefined,
    });
    return new Promise((resolve, reject) => {
      const fail = (error: TheaterApiError): void => {
        abandon(socket);
        reject(error);
      };
      socket.once('open', () => {
        socket.removeAllListeners('error');
        socket.removeAllListeners('unexpected-response');
        options.onOpen?.(socket);
        resolve(socket);
      });
      // The server refused the upgrade with an HTTP answer: its structured error.
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          fail(errorFromBody(response.statusCode ?? 0, text, requestId));
        });
        response.on('error', (cause) => fail(networkError(this.url, cause, requestId)));
      });
      socket.once('error', (cause) => fail(networkError(this.url, cause, requestId)));
    });
  }

  /** The full URL of `path` with `query`. */
  address(path: string, query: Query = {}): string {
    const url = new URL(`${this.url}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value as readonly string[]) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** Drops a socket that will not be used: no listener left, its late errors swallowed, the connection cut. */
export function abandon(socket: WebSocket): void {
  socket.removeAllListeners();
  socket.on('error', () => {});
  socket.terminate();
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TheaterApiError('invalid-response', `the server answered ${response.status} with a body that is not JSON`, response.status);
  }
}

async function errorOf(response: Response, requestId: string): Promise<TheaterApiError> {
  return errorFromBody(response.status, await response.text().catch(() => ''), response.headers.get('x-request-id') ?? requestId);
}

/** The server's `{ error: { code, message, … }, requestId }`, or an `invalid-response` when the body is not one. */
function errorFromBody(status: number, text: string, requestId: string): TheaterApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; [key: string]: unknown }; requestId?: unknown };
    const { code, message, ...details } = parsed.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new TheaterApiError(code, message, status, typeof parsed.requestId === 'string' ? parsed.requestId : requestId, details);
    }
  } catch {
    // Not JSON: reported below.
  }
  return new TheaterApiError('invalid-response', `the server answered ${status} without a structured error`, status, requestId);
}

function networkError(url: string, cause: unknown, requestId: string): TheaterApiError {
  const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  if (cause instanceof Error && (cause.name === 'TimeoutError' || (cause.cause as Error | undefined)?.name === 'TimeoutError')) {
    return new TheaterApiError('client-timeout', `no answer from ${url} in time`, 0, requestId, {}, { cause });
  }
  if (/ECONNREFUSED/u.test(reason)) {
    return new TheaterApiError('server-not-running', `no server answers at ${url} (${reason})`, 0, requestId, {}, { cause });
  }
  return new TheaterApiError('network-error', `the connection to ${url} failed: ${reason}`, 0, requestId, {}, { cause });
}
