#!/usr/bin/env node
// The `theater` binary: oclif finds the compiled commands in ../dist/commands.
import { main } from '../dist/main.js';

await main(process.argv.slice(2), import.meta.url);
