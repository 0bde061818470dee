// `prepack`: writes oclif.manifest.json (the commands, their flags and descriptions) from the compiled commands in
// dist/, as `oclif manifest` does, so the installed CLI lists and finds commands without importing every one of them.
// `postpack` deletes it again: in the workspace the commands are read from dist/ (or src/) directly.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
});
await plugin.load();
const commands = Object.keys(plugin.manifest.commands);
if (commands.length === 0) throw new Error(`no commands found under ${root}dist/commands: build the CLI first`);
await writeFile(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`wrote oclif.manifest.json (${commands.length} commands: ${commands.sort().join(', ')})`);
