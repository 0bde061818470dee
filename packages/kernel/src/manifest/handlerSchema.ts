/**
 * The schema of one `[[handler]]` table: the handler's options sit flat beside `type`, in snake_case, and come out
 * as the camelCase {@link HandlerConfig} of that type. Also the check that no handler type is declared twice.
 */
import { z } from 'zod';
import { anyString, boolean, expected, integer, nonEmptyString, showValue, stringList, table } from './fieldSchemas.js';
import {
  HANDLER_TYPES,
  HTTP_METHODS,
  type HandlerConfig,
  type HandlerType,
  type HttpMethod,
  type EnvironmentHandlerConfig,
  type FilesystemHandlerConfig,
  type HttpClientHandlerConfig,
  type HttpFrameworkHandlerConfig,
  type ProcessHandlerConfig,
  type RandomHandlerConfig,
  type StoreHandlerConfig,
  type TimingHandlerConfig,
} from './manifest.js';

const MIB = 1024 * 1024;
/** Node clamps longer timers to 1 ms, so a longer timeout would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

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

/** The `type` key of a handler table. */
function handlerType<const T extends HandlerType>(type: T) {
  return z.literal(type).describe(`Grants the ${type} handler.`);
}

function withoutOptions<const T extends HandlerType>(type: T, description: string) {
  return table({ type: handlerType(type) }, `a "${type}" handler takes no options`)
    .transform(() => ({ type }))
    .describe(description);
}

/** An HTTP method in any case, as `httpMethod` accepts it: for the JSON Schema only (the transform validates). */
const httpMethodPattern = `^(?:${HTTP_METHODS.map((m) => [...m].map((c) => `[${c}${c.toLowerCase()}]`).join('')).join('|')})$`;

const store = table({
  type: handlerType('store'),
  stores: stringList()
    .optional()
    .describe(
      'Ids of existing stores the actor is handed, besides those it creates; each must exist, and a child may be ' +
        'handed only stores its parent can use.',
    ),
})
  .transform(
    (v): StoreHandlerConfig => (v.stores === undefined ? { type: 'store' } : { type: 'store', stores: v.stores }),
  )
  .describe('Content-addressed (SHA-256) stores with labels, kept in $THEATER_HOME/store (theater:simple/store).');

const filesystem = table({
  type: handlerType('filesystem'),
  path: nonEmptyString().describe(
    "The root directory the actor's paths are confined to, relative to this manifest's directory or absolute; " +
      'it must exist when the actor starts.',
  ),
  allowed_commands: stringList()
    .default([])
    .describe('Commands execute-command may run, in the root directory; none by default.'),
  read_only: boolean().default(false).describe('Whether writing, deleting and creating under the root is refused.'),
})
  .transform(
    (v): FilesystemHandlerConfig => ({
      type: 'filesystem',
      path: v.path,
      allowedCommands: v.allowed_commands,
      readOnly: v.read_only,
    }),
  )
  .describe('Files under one root directory (theater:simple/filesystem).');

const httpClient = table({
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
  max_request_bytes: integer('positive').default(10 * MIB).describe('The largest request body sent, in bytes.'),
  max_response_bytes: integer('positive').default(10 * MIB).describe('The largest response body read, in bytes.'),
  timeout_ms: integer('positive', { value: MAX_TIMER_MS, why: 'the longest timer Node supports' })
    .default(30_000)
    .describe("How long a whole exchange may take, in milliseconds; cut to fit within the actor's call_timeout_ms."),
})
  .transform(
    (v): HttpClientHandlerConfig => ({
      type: 'http-client',
      allowedHosts: v.allowed_hosts,
      allowedMethods: v.allowed_methods,
      maxRequestBytes: v.max_request_bytes,
      maxResponseBytes: v.max_response_bytes,
      timeoutMs: v.timeout_ms,
    }),
  )
  .describe('Outgoing HTTP(S) requests, to allowed hosts only (theater:simple/http-client).');

const httpFramework = table({
  type: handlerType('http-framework'),
  max_request_bytes: integer('positive')
    .default(MIB)
    .describe('The largest request body or WebSocket message received, in bytes.'),
  max_servers: integer('positive').default(4).describe('How many servers the actor may have at once.'),
})
  .transform(
    (v): HttpFrameworkHandlerConfig => ({ type: 'http-framework', maxRequestBytes: v.max_request_bytes, maxServers: v.max_servers }),
  )
  .describe('HTTP and WebSocket servers, on loopback addresses only (theater:simple/http-framework).');

const timing = table({
  type: handlerType('timing'),
  min_sleep_ms: integer('non-negative')
    .default(0)
    .describe('The shortest sleep or deadline the actor may ask for, in milliseconds; at most max_sleep_ms.'),
  max_sleep_ms: integer('non-negative')
    .default(3_600_000)
    .describe('The longest sleep or deadline the actor may ask for, in milliseconds.'),
})
  .refine((v) => v.min_sleep_ms <= v.max_sleep_ms, {
    path: ['min_sleep_ms'],
    error: (issue) => {
      const v = isTable(issue.input) ? issue.input : {};
      return `must not exceed max_sleep_ms (${showValue(v['min_sleep_ms'])} > ${showValue(v['max_sleep_ms'])})`;
    },
  })
  .transform((v): TimingHandlerConfig => ({ type: 'timing', minSleepMs: v.min_sleep_ms, maxSleepMs: v.max_sleep_ms }))
  .describe('The clock, sleeps and deadlines (theater:simple/timing).');

const random = table({
  type: handlerType('random'),
  seed: integer('non-negative')
    .optional()
    .describe("Makes the numbers deterministic (a SHA-256 counter stream from this seed); without it they come from the OS."),
  max_bytes: integer('positive').default(MIB).describe('The most random bytes one call may ask for.'),
})
  .transform(
    (v): RandomHandlerConfig =>
      v.seed === undefined
        ? { type: 'random', maxBytes: v.max_bytes }
        : { type: 'random', seed: v.seed, maxBytes: v.max_bytes },
  )
  .describe('Random bytes, numbers and UUIDs (theater:simple/random).');

const environment = table({
  type: handlerType('environment'),
  allowed_vars: stringList().default([]).describe('Environment variables the actor may read, by name.'),
  denied_vars: stringList()
    .default([])
    .describe('Variables the actor may never read, even when otherwise allowed (this list wins).'),
  allowed_prefixes: stringList()
    .default([])
    .describe('Variables the actor may read, by the start of their names (e.g. "APP_").'),
  allow_list_all: boolean()
    .default(false)
    .describe('Whether list-vars lists the visible variables; without it, it lists none.'),
  secret_vars: stringList()
    .optional()
    .describe('Variables whose values are kept out of the chain (API keys): a read is recorded as "[redacted]", and a replay hands the actor that string. Each must also be visible through allowed_vars or allowed_prefixes. None by default.'),
})
  .transform(
    (v): EnvironmentHandlerConfig => ({
      type: 'environment',
      allowedVars: v.allowed_vars,
      deniedVars: v.denied_vars,
      allowedPrefixes: v.allowed_prefixes,
      allowListAll: v.allow_list_all,
      ...(v.secret_vars === undefined ? {} : { secretVars: v.secret_vars }),
    }),
  )
  .describe(
    'Host environment variables, through allow and deny lists; any other variable reads as absent ' +
      '(theater:simple/environment).',
  );

const processHandler = table({
  type: handlerType('process'),
  allowed_programs: stringList()
    .default([])
    .describe(
      "Programs the actor may start (never through a shell): a name looked up in the host's PATH, or an absolute " +
        'path, matched exactly. None by default.',
    ),
  max_processes: integer('positive').default(10).describe("How many of the actor's processes may run at once."),
  max_output_buffer: integer('positive')
    .default(MIB)
    .describe('The most output read from one process but not yet delivered to the actor, in bytes.'),
  cwd: nonEmptyString()
    .optional()
    .describe(
      "The directory processes run in, relative to this manifest's directory or absolute; it must exist. " +
        'Without it: a private temporary directory, removed when the actor ends.',
    ),
})
  .transform((v): ProcessHandlerConfig => {
    const config = {
      type: 'process',
      allowedPrograms: v.allowed_programs,
      maxProcesses: v.max_processes,
      maxOutputBuffer: v.max_output_buffer,
    } as const;
    return v.cwd === undefined ? config : { ...config, cwd: v.cwd };
  })
  .describe('Running host programs, their output delivered to the actor (theater:simple/process).');

const typeList = HANDLER_TYPES.join(', ');

/** One `[[handler]]` table. */
export const handlerSchema: z.ZodType<HandlerConfig, unknown> = z.discriminatedUnion(
  'type',
  [
    withoutOptions('runtime', 'Logging, reading its own state and chain, and stopping itself (theater:simple/runtime).'),
    withoutOptions(
      'message-server',
      'Messages, requests and channels between actors (theater:simple/message-server-host).',
    ),
    withoutOptions(
      'supervisor',
      "Spawning and managing child actors, from files inside this manifest's directory (theater:simple/supervisor).",
    ),
    store,
    filesystem,
    httpClient,
    httpFramework,
    timing,
    random,
    environment,
    processHandler,
  ],
  {
    error: (issue: { readonly code?: string; readonly input?: unknown }) => {
      if (issue.code === 'invalid_type') return expected('a table')(issue);
      const type = isTable(issue.input) ? issue.input['type'] : undefined;
      return type === undefined
        ? `missing required field (expected one of ${typeList})`
        : `unknown handler type ${showValue(type)} (expected one of ${typeList})`;
    },
  },
);

/** A handler declared a second time: its path (`handler[3].type`) and what to say about it. */
export interface DuplicateHandler {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Finds handler types declared more than once in the raw `handler` array of a manifest. */
export function findDuplicateHandlers(handlers: unknown): DuplicateHandler[] {
  if (!Array.isArray(handlers)) return [];
  const firstIndex = new Map<unknown, number>();
  const duplicates: DuplicateHandler[] = [];
  handlers.forEach((handler: unknown, index) => {
    const type = isTable(handler) ? handler['type'] : undefined;
    if (typeof type !== 'string' || !(HANDLER_TYPES as readonly string[]).includes(type)) return;
    const first = firstIndex.get(type);
    if (first === undefined) {
      firstIndex.set(type, index);
      return;
    }
    duplicates.push({
      path: ['handler', index, 'type'],
      message: `duplicate handler type ${showValue(type)} (already declared at handler[${first}])`,
    });
  });
  return duplicates;
}

function isTable(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
