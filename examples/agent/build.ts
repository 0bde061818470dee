/**
 * Builds the agent into dist/agent.wasm the way `theater build` does: type-checked, against the world derived from
 * manifest.toml's [[handler]] list (it imports exactly what the granted handlers provide). Cached by content hash.
 *
 * Usage: `pnpm --filter @theater/example-agent build`
 */
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { loadManifest, manifestWorld } from '@theater/kernel';
import { buildActor } from '@theater/sdk';

const manifest = await loadManifest(fileURLToPath(new URL('./manifest.toml', import.meta.url)), { handlers: defaultHandlers() });
const built = await buildActor({
  entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
  world: manifestWorld(manifest, defaultHandlers()),
  outFile: manifest.componentPath!,
  typecheck: true,
});
const how = built.cached ? 'cached' : 'built';
console.log(`${how} agent: ${built.path} ${(built.bytes / 1024).toFixed(0)} KiB in ${(built.durationMs / 1000).toFixed(1)} s`);
console.log(`  imports ${built.world.imports.join(', ')}`);
console.log(`  exports ${built.world.exports.join(', ')}`);
