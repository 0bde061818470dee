/**
 * Zod building blocks for manifest fields, for the kernel's own keys and for handlers' `[[handler]]` tables alike.
 * Each fails with one plain message that names what was expected and shows what was found ("expected a positive
 * integer, got -1"), so a problem reads well next to its field name.
 */
import { z } from 'zod';

/** Node clamps longer timers to 1 ms, so a longer timeout would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface IssueLike {
  readonly code?: string;
  readonly input?: unknown;
}

type ErrorMessage = (issue: IssueLike) => string;

/** Shows a TOML value the way a user wrote it, briefly. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}

/** The message for a value that is missing or not what `description` says. */
export function expected(description: string): ErrorMessage {
  return (issue) =>
    issue.input === undefined
      ? `missing required field (expected ${description})`
      : `expected ${description}, got ${showValue(issue.input)}`;
}

export function nonEmptyString() {
  const error = expected('a non-empty string');
  return z.string({ error }).min(1, { error });
}

export function anyString() {
  return z.string({ error: expected('a string') });
}

export function boolean() {
  return z.boolean({ error: expected('a boolean') });
}

/** A list of non-empty strings, reported element by element. */
export function stringList() {
  return z.array(nonEmptyString(), { error: expected('an array of strings') });
}

/** A safe integer that is positive (>= 1) or non-negative (>= 0), optionally capped at `max`. */
export function integer(sign: 'positive' | 'non-negative', max?: { readonly value: number; readonly why?: string }) {
  const error = expected(`a ${sign} integer`);
  const schema = z.int({ error }).min(sign === 'positive' ? 1 : 0, { error });
  if (max === undefined) return schema;
  const why = max.why === undefined ? '' : ` (${max.why})`;
  const tooLarge = (issue: IssueLike): string => `expected at most ${max.value}${why}, got ${showValue(issue.input)}`;
  return schema.max(max.value, { error: tooLarge });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expected(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`) });
}

/** A TOML table that allows only the keys of `shape`; each unknown key is a problem of its own. */
export function table<const S extends z.core.$ZodLooseShape>(shape: S, unknownKeyHint?: string) {
  const hint = unknownKeyHint ?? `expected one of ${Object.keys(shape).join(', ')}`;
  const notATable = expected('a table');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key (${hint})` : notATable(issue)),
  });
}

/** The `type` key of a `[[handler]]` table: the literal `type`, documented as granting that handler. */
export function handlerType<const T extends string>(type: T) {
  return z.literal(type).describe(`Grants the ${type} handler.`);
}

/** The whole `[[handler]]` table of a handler that takes no options: `{ type }` and nothing else. */
export function optionlessHandler<const T extends string>(type: T) {
  return table({ type: handlerType(type) }, `a "${type}" handler takes no options`).transform(() => ({ type }));
}
