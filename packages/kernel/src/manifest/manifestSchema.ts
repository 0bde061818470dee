/**
 * The schema of a whole manifest document, from the table smol-toml parses to the camelCase fields of
 * {@link Manifest} (all but the paths, which depend on where the manifest lives).
 */
import { z } from 'zod';
import { anyString, boolean, expected, integer, nonEmptyString, oneOf, table } from './fieldSchemas.js';
import { MAX_TIMER_MS, handlerSchema } from './handlerSchema.js';
import { RESTART_TYPES } from '@theater/supervision';
import { SUPERVISION_STRATEGIES, type Manifest, type ManifestLimits, type ManifestSupervision } from './manifest.js';

/** The largest memory a wasm32 instance can address, in MiB. */
const WASM32_MAX_MEMORY_MB = 4096;
const timer = { value: MAX_TIMER_MS, why: 'the longest timer Node supports' } as const;

/** The largest value each limit may take (the schema's bounds), for limits read back from a chain. */
export const LIMIT_MAXIMUMS: Readonly<Record<keyof ManifestLimits, number>> = {
  memoryMb: WASM32_MAX_MEMORY_MB,
  callTimeoutMs: MAX_TIMER_MS,
  initTimeoutMs: MAX_TIMER_MS,
  mailbox: Number.MAX_SAFE_INTEGER,
};

const limits = table({
  memory_mb: integer('positive', { value: WASM32_MAX_MEMORY_MB, why: 'the wasm32 maximum' }).default(256),
  call_timeout_ms: integer('positive', timer).default(30_000),
  init_timeout_ms: integer('positive', timer).default(60_000),
  mailbox: integer('positive').default(1024),
}).transform(
  (v): ManifestLimits => ({
    memoryMb: v.memory_mb,
    callTimeoutMs: v.call_timeout_ms,
    initTimeoutMs: v.init_timeout_ms,
    mailbox: v.mailbox,
  }),
);

const supervision = table({
  strategy: oneOf(SUPERVISION_STRATEGIES).default('one-for-one'),
  max_restarts: integer('non-negative').default(3),
  within_ms: integer('positive').default(5000),
}).transform(
  (v): ManifestSupervision => ({ strategy: v.strategy, maxRestarts: v.max_restarts, withinMs: v.within_ms }),
);

/** What the document itself says; `componentPath` and `baseDir` are added by the caller. */
export type ManifestFields = Omit<Manifest, 'componentPath' | 'baseDir'>;

/** A whole manifest document. */
export const manifestSchema: z.ZodType<ManifestFields, unknown> = table({
  name: nonEmptyString(),
  version: nonEmptyString(),
  component: nonEmptyString(),
  description: anyString().optional(),
  init_state: nonEmptyString().optional(),
  save_chain: boolean().default(true),
  restart: oneOf(RESTART_TYPES).default('permanent'),
  limits: limits.prefault({}),
  supervision: supervision.prefault({}),
  handler: z.array(handlerSchema, { error: expected('an array of tables ([[handler]])') }).default([]),
}).transform(
  (v): ManifestFields => ({
    name: v.name,
    version: v.version,
    component: v.component,
    description: v.description,
    initState: v.init_state,
    saveChain: v.save_chain,
    restart: v.restart,
    limits: v.limits,
    supervision: v.supervision,
    handlers: v.handler,
  }),
);
