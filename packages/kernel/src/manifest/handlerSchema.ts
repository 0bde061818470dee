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

function withoutOptions<const T extends HandlerType>(type: T) {
  return table({ type: z.literal(type) }, `a "${type}" handler takes no options`).transform(() => ({ type }));
}

const store = table({ type: z.literal('store'), stores: stringList().optional() }).transform(
  (v): StoreHandlerConfig => (v.stores === undefined ? { type: 'store' } : { type: 'store', stores: v.stores }),
);

const filesystem = table({
  type: z.literal('filesystem'),
  path: nonEmptyString(),
  allowed_commands: stringList().default([]),
  read_only: boolean().default(false),
}).transform(
  (v): FilesystemHandlerConfig => ({
    type: 'filesystem',
    path: v.path,
    allowedCommands: v.allowed_commands,
    readOnly: v.read_only,
  }),
);

const httpClient = table({
  type: z.literal('http-client'),
  allowed_hosts: stringList().default([]),
  allowed_methods: z.array(httpMethod, { error: expected('an array of strings') }).default([...HTTP_METHODS]),
  max_request_bytes: integer('positive').default(10 * MIB),
  max_response_bytes: integer('positive').default(10 * MIB),
  timeout_ms: integer('positive', { value: MAX_TIMER_MS, why: 'the longest timer Node supports' }).default(30_000),
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

const httpFramework = table({
  type: z.literal('http-framework'),
  max_request_bytes: integer('positive').default(MIB),
  max_servers: integer('positive').default(4),
}).transform(
  (v): HttpFrameworkHandlerConfig => ({ type: 'http-framework', maxRequestBytes: v.max_request_bytes, maxServers: v.max_servers }),
);

const timing = table({
  type: z.literal('timing'),
  min_sleep_ms: integer('non-negative').default(0),
  max_sleep_ms: integer('non-negative').default(3_600_000),
})
  .refine((v) => v.min_sleep_ms <= v.max_sleep_ms, {
    path: ['min_sleep_ms'],
    error: (issue) => {
      const v = isTable(issue.input) ? issue.input : {};
      return `must not exceed max_sleep_ms (${showValue(v['min_sleep_ms'])} > ${showValue(v['max_sleep_ms'])})`;
    },
  })
  .transform((v): TimingHandlerConfig => ({ type: 'timing', minSleepMs: v.min_sleep_ms, maxSleepMs: v.max_sleep_ms }));

const random = table({
  type: z.literal('random'),
  seed: integer('non-negative').optional(),
  max_bytes: integer('positive').default(MIB),
}).transform(
  (v): RandomHandlerConfig =>
    v.seed === undefined
      ? { type: 'random', maxBytes: v.max_bytes }
      : { type: 'random', seed: v.seed, maxBytes: v.max_bytes },
);

const environment = table({
  type: z.literal('environment'),
  allowed_vars: stringList().default([]),
  denied_vars: stringList().default([]),
  allowed_prefixes: stringList().default([]),
  allow_list_all: boolean().default(false),
  secret_vars: stringList()
    .optional()
    .describe('Variables whose values are kept out of the chain (API keys): a read is recorded as "[redacted]", and a replay hands the actor that string. Each must also be visible through allowed_vars or allowed_prefixes. None by default.'),
}).transform(
  (v): EnvironmentHandlerConfig => ({
    type: 'environment',
    allowedVars: v.allowed_vars,
    deniedVars: v.denied_vars,
    allowedPrefixes: v.allowed_prefixes,
    allowListAll: v.allow_list_all,
    ...(v.secret_vars === undefined ? {} : { secretVars: v.secret_vars }),
  }),
);

const processHandler = table({
  type: z.literal('process'),
  allowed_programs: stringList().default([]),
  max_processes: integer('positive').default(10),
  max_output_buffer: integer('positive').default(MIB),
  cwd: nonEmptyString().optional(),
}).transform((v): ProcessHandlerConfig => {
  const config = {
    type: 'process',
    allowedPrograms: v.allowed_programs,
    maxProcesses: v.max_processes,
    maxOutputBuffer: v.max_output_buffer,
  } as const;
  return v.cwd === undefined ? config : { ...config, cwd: v.cwd };
});

const typeList = HANDLER_TYPES.join(', ');

/** One `[[handler]]` table. */
export const handlerSchema: z.ZodType<HandlerConfig, unknown> = z.discriminatedUnion(
  'type',
  [
    withoutOptions('runtime'),
    withoutOptions('message-server'),
    withoutOptions('supervisor'),
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
