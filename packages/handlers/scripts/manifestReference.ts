/**
 * The manifest reference of the built-in handlers (`docs/manifest.md`): the kernel renders it from the JSON Schema of
 * a manifest granting `defaultHandlers()`, so it cannot drift from what they accept. `test/manifestReference.test.ts`
 * checks the committed file against this.
 */
import { manifestJsonSchema, renderManifestReference } from '@theater/kernel';
import { defaultHandlers } from '../src/defaultHandlers.js';

/** The command that rewrites `docs/manifest.md`, run in packages/handlers. */
export const REGENERATE_REFERENCE = 'pnpm vitest run test/manifestReference.test.ts -u';

/** Where an installed schema is, from a project's root (for the `#:schema` directive). */
export const INSTALLED_SCHEMA_PATH = 'node_modules/@theater/handlers/dist/manifest.schema.json';

/** A manifest using most keys, shown in the reference; the reference test checks that it parses. */
export const REFERENCE_EXAMPLE = `#:schema ./${INSTALLED_SCHEMA_PATH}
name = "notes"
version = "0.1.0"
component = "./dist/notes.wasm"
description = "Keeps notes in a store and answers how many it holds."
restart = "transient"

[limits]
memory_mb = 128
call_timeout_ms = 5000

[[handler]]
type = "runtime"

[[handler]]
type = "message-server"

[[handler]]
type = "store"

[[handler]]
type = "timing"
max_sleep_ms = 60000

[[handler]]
type = "http-client"
allowed_hosts = ["api.example.com"]
allowed_methods = ["GET", "POST"]
`;

/** The reference of a manifest granting the built-in handlers. */
export function builtInManifestReference(): string {
  return renderManifestReference(manifestJsonSchema(defaultHandlers()), {
    example: REFERENCE_EXAMPLE,
    generatedNote: `Generated from packages/kernel/src/manifest/*.ts and packages/handlers/src/*Handler.ts: do not edit. In packages/handlers, run \`${REGENERATE_REFERENCE}\` to regenerate.`,
    schemaModule: '@theater/handlers/manifest.schema.json',
    editorSupportLink: '[handlers README](../README.md#editor-support)',
    handlerExample: '[[handler]]\ntype = "filesystem"\npath = "./data"\nread_only = true\n',
  });
}
