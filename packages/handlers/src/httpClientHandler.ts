/**
 * The `http-client` handler: real HTTP(S) requests to the hosts and with the methods the manifest allows. Each call
 * is checked before any connection is made: the URI must be absolute http: or https: without credentials, its host
 * allowed by `allowed_hosts` (see http/hostPolicy.ts), the method in `allowed_methods`, the headers valid and the body
 * within `max_request_bytes`. The exchange is bounded by `timeout_ms`, cut short to end before the actor's call
 * deadline, and by `max_response_bytes` (a larger response is an error, never a truncated body). Redirects are
 * returned, not followed, so none can lead to another host. A response with no body bytes has body `none`.
 * The values of credential headers the actor sends (http/sensitiveHeaders.ts) are recorded as `[redacted]`.
 */
import { validateHeaderName, validateHeaderValue, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import {
  anyString,
  expected,
  handlerType,
  HostCallError,
  integer,
  KernelError,
  MAX_TIMER_MS,
  showValue,
  redacting,
  stringList,
  table,
  type HandlerDefinition,
  type HostInterfaces,
} from '@theater/kernel';
import { z } from 'zod';
import { hostMatches, parseHostPattern, patternCovers, type HostPattern } from './http/hostPolicy.js';
import { sendRequest, type OutgoingRequest } from './http/sendRequest.js';
import { sensitiveHeaderValues } from './http/sensitiveHeaders.js';

type HttpClientHost = Pick<HostInterfaces, 'theater:simple/http-client'>;
type HttpRequest = Parameters<HttpClientHost['theater:simple/http-client']['sendHttp']>[0];

/** The standard HTTP methods; an `http-client` handler allows all of them unless told otherwise. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** A standard HTTP method, upper-cased. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

const MIB = 1024 * 1024;

function isHttpMethod(value: string): value is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(value);
}

const httpMethod = anyString().transform((value, ctx): HttpMethod => {
  const method = value.toUpperCase();
  if (isHttpMethod(method)) return method;
  ctx.issues.push({
    code: 'custom',
    input: value,
    message: `expected an HTTP method (${HTTP_METHODS.join(', ')}), got ${showValue(value)}`,
  });
  return z.NEVER;
});

/** An HTTP method in any case, as `httpMethod` accepts it: for the JSON Schema only (the transform validates). */
const httpMethodPattern = `^(?:${HTTP_METHODS.map((m) => [...m].map((c) => `[${c}${c.toLowerCase()}]`).join('')).join('|')})$`;

/** `type = "http-client"`: outgoing HTTP to `allowedHosts` only (empty: none). */
export interface HttpClientHandlerConfig {
  readonly type: 'http-client';
  readonly allowedHosts: readonly string[];
  readonly allowedMethods: readonly HttpMethod[];
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
}

const configSchema = table({
  type: handlerType('http-client'),
  allowed_hosts: stringList()
    .default([])
    .describe(
      'Hosts the actor may send requests to: "example.com" on any port, "example.com:8080" on that port only, ' +
        '"*.example.com" its subdomains. None by default.',
    ),
  allowed_methods: z
    .array(httpMethod.meta({ title: 'HTTP method', pattern: httpMethodPattern }), { error: expected('an array of strings') })
    .default([...HTTP_METHODS])
    .describe(`HTTP methods the actor may use, in any case (${HTTP_METHODS.join(', ')}); all of them by default.`),
  max_request_bytes: integer('positive')
    .default(10 * MIB)
    .describe('The largest request body sent, in bytes.'),
  max_response_bytes: integer('positive')
    .default(10 * MIB)
    .describe('The largest response body read, in bytes.'),
  timeout_ms: integer('positive', { value: MAX_TIMER_MS, why: 'the longest timer Node supports' })
    .default(30_000)
    .describe("How long a whole exchange may take, in milliseconds; cut to fit within the actor's call_timeout_ms."),
}).transform(
  (v): HttpClientHandlerConfig => ({
    type: 'http-client',
    allowedHosts: v.allowed_hosts,
    allowedMethods: v.allowed_methods,
    maxRequestBytes: v.max_request_bytes,
    maxResponseBytes: v.max_response_bytes,
    timeoutMs: v.timeout_ms,
  }),
);

/** Grants `theater:simple/http-client`. */
export const httpClientHandler: HandlerDefinition<HttpClientHandlerConfig> = {
  type: 'http-client',
  description: 'Outgoing HTTP(S) requests, to allowed hosts only (theater:simple/http-client).',
  config: configSchema,
  provides: ['theater:simple/http-client'],
  requiredExports: {},
  // Entries that cannot match anything are mistakes: refuse to start rather than silently allow less.
  async admit({ config, field }) {
    const invalid = config.allowedHosts.flatMap((entry) => {
      const pattern = parseHostPattern(entry);
      return 'invalid' in pattern ? [`"${entry}" (${pattern.invalid})`] : [];
    });
    if (invalid.length > 0) {
      throw new KernelError(
        'invalid-grant',
        `${field('allowed_hosts')}: entries must be host, host:port or *.domain: ${invalid.join(', ')}`,
      );
    }
  },
  excess(wanted, held) {
    const parentPatterns = validPatterns(held.allowedHosts);
    const hosts = wanted.allowedHosts.filter((entry) => {
      const pattern = parseHostPattern(entry);
      return 'invalid' in pattern || !parentPatterns.some((own) => patternCovers(own, pattern));
    });
    if (hosts.length > 0) return `allowed_hosts ${hosts.join(', ')} are not the parent's`;
    const methods = wanted.allowedMethods.filter((method) => !held.allowedMethods.includes(method));
    if (methods.length > 0) return `allowed_methods ${methods.join(', ')} are not the parent's`;
    if (
      wanted.maxRequestBytes > held.maxRequestBytes ||
      wanted.maxResponseBytes > held.maxResponseBytes ||
      wanted.timeoutMs > held.timeoutMs
    ) {
      return "its size or time limits exceed the parent's";
    }
    return undefined;
  },
  create({ config, manifest, onExit }): HttpClientHost {
    const patterns = validPatterns(config.allowedHosts);
    const inFlight = new Set<ClientRequest>();
    onExit(() => {
      for (const request of inFlight) request.destroy(new Error('the actor has ended'));
      inFlight.clear();
    });
    const limits = {
      timeoutMs: Math.min(config.timeoutMs, callBudgetMs(manifest.limits.callTimeoutMs)),
      maxResponseBytes: config.maxResponseBytes,
      inFlight,
    };
    return {
      'theater:simple/http-client': {
        sendHttp: redacting(
          (request: HttpRequest) => sendRequest(checked(request, config, patterns), limits),
          ([request]) => sensitiveHeaderValues((request as Partial<HttpRequest> | undefined)?.headers, '/args/0/headers'),
        ),
      },
    };
  },
};

/** The entries of `allowed_hosts` that parse (admit refuses a grant with any other). */
function validPatterns(entries: readonly string[]): HostPattern[] {
  return entries.map(parseHostPattern).filter((pattern): pattern is HostPattern => !('invalid' in pattern));
}

/** Time left for the exchange within a call deadline: the host call must end while the guest can still answer. */
function callBudgetMs(callTimeoutMs: number): number {
  return Math.max(1, callTimeoutMs - Math.min(250, Math.floor(callTimeoutMs / 10)));
}

/** `request` as it will be sent, once every check has passed; throws a HostCallError naming the first that fails. */
function checked(request: HttpRequest, config: HttpClientHandlerConfig, patterns: readonly HostPattern[]): OutgoingRequest {
  const url = parsedUri(request.uri);
  if (!patterns.some((pattern) => hostMatches(pattern, url))) {
    throw new HostCallError(`permission-denied: host ${url.host} is not in allowed_hosts`);
  }
  const method = request.method.toUpperCase();
  if (!(config.allowedMethods as readonly string[]).includes(method)) {
    throw new HostCallError(
      `permission-denied: method ${shown(request.method)} is not in allowed_methods (${config.allowedMethods.join(', ')})`,
    );
  }
  if (method === 'CONNECT') throw new HostCallError('CONNECT (a tunnel) is not supported');
  const body = request.body;
  if (body !== undefined && body.byteLength > config.maxRequestBytes) {
    throw new HostCallError(
      `permission-denied: a request body of ${body.byteLength} bytes exceeds max_request_bytes (${config.maxRequestBytes})`,
    );
  }
  return { url, method, headers: outgoingHeaders(request.headers, body?.byteLength ?? 0), body };
}

function parsedUri(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new HostCallError(`invalid uri ${shown(uri)}: not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HostCallError(`permission-denied: only http: and https: URIs may be requested, not ${url.protocol}`);
  }
  // Credentials belong in a header; refusing them also rules out look-alikes such as http://allowed.com@other.com.
  if (url.username !== '' || url.password !== '') {
    throw new HostCallError(`invalid uri ${shown(uri)}: user info is not supported (send an authorization header)`);
  }
  return url;
}

/** The guest's headers for node:http, validated; a repeated name is sent as repeated header lines. */
function outgoingHeaders(headers: ReadonlyArray<readonly [string, string]>, bodyBytes: number): OutgoingHttpHeaders {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of headers) {
    try {
      validateHeaderName(name);
    } catch {
      throw new HostCallError(`invalid header name ${shown(name)}`);
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      throw new HostCallError(`invalid value for header ${shown(name)}`);
    }
    const key = name.toLowerCase();
    // The connection goes to the URI's host; a different Host header would reach other sites served there.
    if (key === 'host') throw new HostCallError('the host header cannot be set: it is taken from the uri');
    if (key === 'content-length' && value.trim() !== String(bodyBytes)) {
      throw new HostCallError(`the content-length header (${shown(value)}) differs from the body's ${bodyBytes} bytes`);
    }
    const group = grouped.get(key);
    if (group === undefined) grouped.set(key, { name, values: [value] });
    else group.values.push(value);
  }
  const result: OutgoingHttpHeaders = {};
  for (const { name, values } of grouped.values()) {
    Object.defineProperty(result, name, {
      value: values.length === 1 ? values[0] : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** A guest-supplied string for an error message: quoted, and cut short. */
function shown(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}
