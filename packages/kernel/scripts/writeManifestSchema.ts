/**
 * Writes the manifest's JSON Schema, generated from the zod schema, to `dist/manifest.schema.json` (or the path
 * given), where the package exports it as `@theater/kernel/manifest.schema.json`. Runs as part of `build`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema } from '../src/manifest/manifestJsonSchema.js';

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist/manifest.schema.json', import.meta.url)));
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
