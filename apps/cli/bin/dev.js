#!/usr/bin/env -S node --conditions=@theater/source --import=tsx/esm
// Development entry: runs the commands from src/ and the workspace packages from their TypeScript source, no build.
// Run it directly (./bin/dev.js run …) so the shebang's flags apply.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core';

const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await execute({
  development: true,
  loadOptions: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
  },
});
