/**
 * The JSON Schema of `manifest.toml`, generated from {@link manifestSchema} so the two cannot drift. It describes the
 * document as written (snake_case keys, TOML values), not the parsed {@link Manifest}: editors' TOML plugins (taplo,
 * Even Better TOML, tombi) use it for completion, hover docs and validation.
 */
import { z } from 'zod';
import { toHandlerRegistry, type HandlerSource } from '../handlerRegistry.js';
import { manifestSchema } from './manifestSchema.js';

/** A JSON Schema object, as `z.toJSONSchema` returns it. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** The schema of an array's items, when it is one schema object. */
export function itemsOf(schema: JsonSchema): JsonSchema | undefined {
  return typeof schema.items === 'object' && !Array.isArray(schema.items) ? schema.items : undefined;
}

/**
 * The JSON Schema (draft-07, the draft every TOML editor plugin reads) of a manifest document granting `handlers`.
 *
 * What it cannot say, the descriptions do: a handler type declared twice, and a rule across a handler's fields (its
 * schema's refinements, such as a minimum above a maximum), are refused when the manifest is parsed only.
 *
 * @example
 * writeFileSync('manifest.schema.json', JSON.stringify(manifestJsonSchema(defaultHandlers()), null, 2));
 */
export function manifestJsonSchema(handlers: HandlerSource): JsonSchema {
  return z.toJSONSchema(manifestSchema(toHandlerRegistry(handlers)), {
    target: 'draft-7',
    // The document as written: before the transforms to camelCase, with the defaults a user may leave out.
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      // zod drops the default of a field whose value is transformed (it is the output value); ours are also valid
      // input (`allowed_methods`), so a default that parses as input is kept.
      const def = zodSchema._zod.def;
      if (def.type !== 'default' || 'default' in jsonSchema) return;
      const value: unknown = def.defaultValue;
      if (z.safeParse(zodSchema, value).success) jsonSchema.default = structuredClone(value);
    },
  });
}
