/**
 * Writes the JSON Schema of a manifest granting this package's handlers, generated from the kernel's and the
 * handlers' zod schemas, to `dist/manifest.schema.json` (or the path given), where the package exports it as
 * `@theater/handlers/manifest.schema.json`. Runs as part of `build`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema } from '@theater/kernel';
import { defaultHandlers } from '../src/defaultHandlers.js';

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist/manifest.schema.json', import.meta.url)));
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(manifestJsonSchema(defaultHandlers()), null, 2)}\n`);
