/**
 * The schema of one `[[handler]]` table, built from a registry: the table goes to the schema of the handler its
 * `type` names, which turns its snake_case options into that handler's camelCase config. Also the check that no
 * handler type is declared twice.
 */
import { z } from 'zod';
import type { HandlerConfig } from './manifest.js';
import type { HandlerRegistry } from '../handlerRegistry.js';
import { expected, showValue } from './fieldSchemas.js';

/** One `[[handler]]` table, validated by the schema of the registered handler its `type` names. */
export function handlerTableSchema(handlers: HandlerRegistry): z.ZodType<HandlerConfig, unknown> {
  const typeList = handlers.types().join(', ');
  // Each definition's one line is its table's description, in the JSON Schema and the reference alike.
  const tables = handlers.definitions.map((definition) => definition.config.describe(definition.description));
  const error = (issue: { readonly code?: string; readonly input?: unknown }): string => {
    if (issue.code === 'invalid_type') return expected('a table')(issue);
    const type = isTable(issue.input) ? issue.input['type'] : undefined;
    return type === undefined
      ? `missing required field (expected one of ${typeList})`
      : `unknown handler type ${showValue(type)} (expected one of ${typeList})`;
  };
  // A discriminated union, as zod needs it to pick the table by `type`; every definition's table has a literal `type`.
  return z.discriminatedUnion('type', tables as unknown as [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]], {
    error,
  }) as unknown as z.ZodType<HandlerConfig, unknown>;
}

/** A handler declared a second time: its path (`handler[3].type`) and what to say about it. */
export interface DuplicateHandler {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Finds registered handler types declared more than once in the raw `handler` array of a manifest. */
export function findDuplicateHandlers(tables: unknown, handlers: HandlerRegistry): DuplicateHandler[] {
  if (!Array.isArray(tables)) return [];
  const firstIndex = new Map<unknown, number>();
  const duplicates: DuplicateHandler[] = [];
  tables.forEach((table: unknown, index) => {
    const type = isTable(table) ? table['type'] : undefined;
    if (typeof type !== 'string' || handlers.get(type) === undefined) return;
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
