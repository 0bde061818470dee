/**
 * Builds an example's actors: every `<dir>/src/*.ts` into `<dir>/dist/<name>.wasm` with the SDK's `buildActor`,
 * type-checked, against the world derived from the actor's manifest, exactly as `theater build` does.
 *
 * Each entry `src/<name>.ts` is paired with the manifest (`<dir>/*.toml`) whose `component` is `dist/<name>.wasm`:
 * the component imports exactly the interfaces that manifest's `[[handler]]` entries provide and exports what they
 * require (the kernel's `manifestWorld`). An `@world <name>` tag in the entry's leading doc comment overrides the
 * manifest, as it does for `theater build`. An entry with neither is an error: nothing would say what to grant it.
 * `@theater/sdk` is resolved from the example's own dependencies, honouring `--conditions=@theater/source`.
 *
 * Usage: `tsx --conditions=@theater/source scripts/build-example.ts <example-dir>`
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { loadManifest, manifestWorld, type Manifest } from '@theater/kernel';
import type * as Sdk from '../packages/sdk/src/index.js';

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
const manifests = await Promise.all(
  (await readdir(exampleDir))
    .filter((file) => file.endsWith('.toml'))
    .map(async (file) => ({ file, manifest: await loadManifest(join(exampleDir, file), { handlers: defaultHandlers() }) })),
);

let failures = 0;
for (const file of entries) {
  const entry = join(sourceDir, file);
  const name = basename(file, '.ts');
  const outFile = join(exampleDir, 'dist', `${name}.wasm`);
  try {
    const tagged = worldTag(await readFile(entry, 'utf8'));
    const paired = manifests.find(({ manifest }) => manifest.componentPath === outFile);
    const world = tagged ?? worldOf(paired?.manifest, file);
    // One at a time: a componentize-js build takes ~800 MB.
    const built = await buildActor({ entry, world, outFile, typecheck: true });
    const from = tagged === undefined ? `world from ${paired?.file}` : `@world ${tagged}`;
    const how = built.cached ? 'cached' : 'built';
    console.log(
      `${how} ${name} (${from}: imports ${short(built.world.imports)}; exports ${short(built.world.exports)}): ${built.path} ${(built.bytes / 1024).toFixed(0)} KiB in ${(built.durationMs / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    failures += 1;
    console.error(`failed ${name}:`, error instanceof Error && 'code' in error ? `${String(error.code)}: ${error.message}` : error);
  }
}
if (failures > 0) process.exitCode = 1;

/** The world derived from the entry's manifest. */
function worldOf(manifest: Manifest | undefined, file: string): Sdk.ActorWorld {
  if (manifest === undefined) {
    throw new Error(`no manifest in ${exampleDir} has component = "dist/${basename(file, '.ts')}.wasm", and ${file} has no @world tag`);
  }
  return manifestWorld(manifest, defaultHandlers());
}

/** The `@world` tag of the module's leading doc comment. */
function worldTag(source: string): string | undefined {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//u.exec(source)?.[1] ?? '';
  return /@world\s+([a-z0-9-]+)/u.exec(header)?.[1];
}

function short(interfaces: readonly string[]): string {
  return (
    interfaces
      .map((iface) => iface.replace(/^theater:simple\//u, ''))
      .filter((iface) => iface !== 'types')
      .join(', ') || 'nothing'
  );
}
