/**
 * The `theater` binary run from the TypeScript source, for tests that start it as a process without a build:
 * `node --conditions=@theater/source --import tsx/esm test/helpers/theaterFromSource.ts <argv...>`. Like bin/run.js,
 * with oclif pointed at `src/commands`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Interfaces } from '@oclif/core';
import { main } from '../../src/main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Interfaces.PJSON;

await main(process.argv.slice(2), { root, pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } } });
