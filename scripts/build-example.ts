/**
 * Builds an example's actors: every `<dir>/src/*.ts` into `<dir>/dist/<name>.wasm` with the SDK's `buildActor`.
 *
 * The world comes from an `@world <name>` tag in the file's leading doc comment (default `message-receiver-actor`).
 * `@theater/sdk` is resolved from the example's own dependencies, honouring `--conditions=@theater/source`.
 *
 * Usage: `tsx --conditions=@theater/source scripts/build-example.ts <example-dir>`
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sdk from '../packages/sdk/src/index.js';

const DEFAULT_WORLD = 'message-receiver-actor';

const [dirArgument] = process.argv.slice(2);
if (dirArgument === undefined) {
  console.error('usage: build-example.ts <example-dir>');
  process.exit(2);
}
const exampleDir = resolve(dirArgument);
const require = createRequire(join(exampleDir, 'package.json'));
const { buildActor } = (await import(pathToFileURL(require.resolve('@theater/sdk')).href)) as typeof Sdk;

const sourceDir = join(exampleDir, 'src');
const entries = (await readdir(sourceDir)).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).sort();
if (entries.length === 0) {
  console.error(`no src/*.ts actors in ${exampleDir}`);
  process.exit(1);
}

let failures = 0;
for (const file of entries) {
  const entry = join(sourceDir, file);
  const name = basename(file, '.ts');
  try {
    const world = worldOf(await readFile(entry, 'utf8'));
    const built = await buildActor({ entry, world, outFile: join(exampleDir, 'dist', `${name}.wasm`) });
    const how = built.cached ? 'cached' : 'built';
    console.log(`${how} ${name} (${world}): ${built.path} ${(built.bytes / 1024).toFixed(0)} KiB in ${(built.durationMs / 1000).toFixed(1)} s`);
  } catch (error) {
    failures += 1;
    console.error(`failed ${name}:`, error);
  }
}
if (failures > 0) process.exitCode = 1;

/** The `@world` tag of the module's leading doc comment. */
function worldOf(source: string): string {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  return /@world\s+([a-z0-9-]+)/.exec(header)?.[1] ?? DEFAULT_WORLD;
}
