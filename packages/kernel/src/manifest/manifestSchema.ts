/**
 * The schema of a whole manifest document, from the table smol-toml parses to the camelCase fields of
 * {@link Manifest} (all but the paths, which depend on where the manifest lives). Its `[[handler]]` tables are the
 * registered handlers' own schemas.
 */
import { z } from 'zod';
import type { HandlerRegistry } from '../handlerRegistry.js';
import { MAX_TIMER_MS, anyString, boolean, expected, integer, nonEmptyString, oneOf, table } from './fieldSchemas.js';
import { handlerTableSchema } from './handlerTableSchema.js';
import { RESTART_TYPES } from '@theater/supervision';
import { ISOLATIONS, SUPERVISION_STRATEGIES, type Manifest, type ManifestLimits, type ManifestSupervision } from './manifest.js';

/** The largest memory a wasm32 instance can address, in MiB. */
const WASM32_MAX_MEMORY_MB = 4096;
const timer = { value: MAX_TIMER_MS, why: 'the longest timer Node supports' } as const;
/** `limits.call_timeout_ms` when the manifest does not set it. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** The largest value each limit may take (the schema's bounds), for limits read back from a chain. */
export const LIMIT_MAXIMUMS: Readonly<Record<keyof ManifestLimits, number>> = {
  memoryMb: WASM32_MAX_MEMORY_MB,
  callTimeoutMs: MAX_TIMER_MS,
  initTimeoutMs: MAX_TIMER_MS,
  mailbox: Number.MAX_SAFE_INTEGER,
};

const limits = table({
  memory_mb: integer('positive', { value: WASM32_MAX_MEMORY_MB, why: 'the wasm32 maximum' })
    .default(256)
    .describe(
      'The most linear memory the actor may use, in MiB: every memory of the component is capped at this, and an ' +
        'actor that needs more fails with out-of-memory. componentize-js actors want at least 128.',
    ),
  call_timeout_ms: integer('positive', timer)
    .default(DEFAULT_CALL_TIMEOUT_MS)
    .describe(
      'How long one call into the actor (a message, a request, a handler callback) may run, in milliseconds, ' +
        'before its worker is terminated and the actor fails with operation-timeout.',
    ),
  init_timeout_ms: integer('positive', timer)
    .default(60_000)
    .describe('How long instantiating the component and running its init may take, in milliseconds.'),
  mailbox: integer('positive')
    .default(1024)
    .describe(
      'How many operations may wait behind the running one; a send or request to a full mailbox fails with ' +
        'mailbox-full (never a silent drop).',
    ),
}).transform(
  (v): ManifestLimits => ({
    memoryMb: v.memory_mb,
    callTimeoutMs: v.call_timeout_ms,
    initTimeoutMs: v.init_timeout_ms,
    mailbox: v.mailbox,
  }),
);

const supervision = table({
  strategy: oneOf(SUPERVISION_STRATEGIES)
    .default('one-for-one')
    .describe(
      'Which children restart when one ends and is to be restarted (OTP): one-for-one restarts only that child, ' +
        'one-for-all every child, rest-for-one that child and those started after it.',
    ),
  max_restarts: integer('non-negative')
    .default(3)
    .describe(
      'How many restarts are allowed within within_ms; one more stops all children and fails this actor, so its ' +
        'own supervisor decides next.',
    ),
  within_ms: integer('positive').default(5000).describe('The window max_restarts counts restarts in, in milliseconds.'),
}).transform((v): ManifestSupervision => ({ strategy: v.strategy, maxRestarts: v.max_restarts, withinMs: v.within_ms }));

/** What the document itself says; `componentPath` and `baseDir` are added by the caller. */
export type ManifestFields = Omit<Manifest, 'componentPath' | 'baseDir'>;

const schemas = new WeakMap<HandlerRegistry, z.ZodType<ManifestFields, unknown>>();

/** A whole manifest document granting `handlers`' types (built once per registry). */
export function manifestSchema(handlers: HandlerRegistry): z.ZodType<ManifestFields, unknown> {
  let schema = schemas.get(handlers);
  if (schema === undefined) {
    schema = documentSchema(handlers);
    schemas.set(handlers, schema);
  }
  return schema;
}

function documentSchema(handlers: HandlerRegistry): z.ZodType<ManifestFields, unknown> {
  return table({
    name: nonEmptyString().describe("The actor's name, shown in logs, events and errors."),
    version: nonEmptyString().describe('The actor\'s version, as you number it (e.g. "0.1.0").'),
    component: nonEmptyString().describe(
      "The actor's WebAssembly component (.wasm): a path relative to this manifest's directory, or absolute.",
    ),
    description: anyString().optional().describe('What the actor does, for people reading the manifest.'),
    init_state: nonEmptyString()
      .optional()
      .describe(
        "A file whose bytes are the actor's initial state (relative to this manifest's directory, at most 64 MiB); " +
          'a state given when spawning wins over it. Without either, the actor starts with no state.',
      ),
    save_chain: boolean()
      .default(true)
      .describe(
        "Whether the actor's event chain is persisted in $THEATER_HOME/db; false keeps it in memory only. A child " +
          'may not set false under a parent whose chain is saved.',
      ),
    isolation: oneOf(ISOLATIONS)
      .optional()
      .describe(
        "Where the actor's guest runs; unset, the actor system's default (dedicated unless its defaultIsolation option " +
          'says otherwise). dedicated: a worker thread of its own, so an actor that loops, ' +
          'exhausts memory or crashes disturbs no other. shared: one of a few shared scheduler workers (about one per ' +
          'core) hosting many actors (measured: 0.17 MB per idle small WAT actor instead of 5.9 MB, 3.9 MB per ' +
          'componentize-js actor). A shared actor that traps or exceeds memory_mb fails alone; ' +
          'one that runs past call_timeout_ms (or kills its worker) fails, and its co-residents wait until then, ' +
          'then move to a fresh worker from their committed state (an operation of theirs that had made a host call ' +
          'fails with operation-aborted). Placement is not a capability: a child chooses its own, whatever its ' +
          "parent's.",
      ),
    restart: oneOf(RESTART_TYPES)
      .default('permanent')
      .describe(
        "How the actor's supervisor treats its exits (OTP restart type): permanent always restarts it, transient " +
          'only after a failure, temporary never. Top-level actors are not restarted.',
      ),
    limits: limits
      .prefault({})
      .describe(
        "Resource limits of the actor. A supervisor's child may not exceed its parent's limits; a limit left unset " +
          'is compared at its default.',
      ),
    supervision: supervision.prefault({}).describe('How this actor supervises the children it spawns.'),
    handler: z
      .array(handlerTableSchema(handlers), { error: expected('an array of tables ([[handler]])') })
      .default([])
      .describe(
        'The capabilities granted to the actor, one [[handler]] table each, chosen by type; each type at most once. ' +
          'The actor can reach nothing else: a component importing an interface no granted handler provides is ' +
          'refused before it starts.',
      ),
  })
    .transform(
      (v): ManifestFields => ({
        name: v.name,
        version: v.version,
        component: v.component,
        description: v.description,
        initState: v.init_state,
        saveChain: v.save_chain,
        isolation: v.isolation,
        restart: v.restart,
        limits: v.limits,
        supervision: v.supervision,
        handlers: v.handler,
      }),
    )
    .meta({
      title: 'Theater actor manifest (manifest.toml)',
      description: 'What an actor is (its component and initial state), what it may do (its handlers) and its limits.',
    });
}
