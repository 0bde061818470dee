#!/usr/bin/env -S node --conditions=@theater/source --import=tsx/esm
// Development entry: runs the commands from src/ and the workspace packages from their TypeScript source, no build.
// Run it directly (./bin/dev.js run …) so the shebang's flags apply.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { settings } from '@oclif/core';
import { main } from '../src/main.js';

const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
process.env.NODE_ENV = 'development';
settings.debug = true;
await main(process.argv.slice(2), {
  root: fileURLToPath(new URL('..', import.meta.url)),
  pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
});
