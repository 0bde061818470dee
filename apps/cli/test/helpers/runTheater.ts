/**
 * Runs a `theater` command in-process with oclif's `runCommand`, from the TypeScript source (no build needed):
 * oclif is pointed at `src/commands` and transpiles them with tsx.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Interfaces } from '@oclif/core';
import { runCommand } from '@oclif/test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Interfaces.PJSON;
const loadOptions: Interfaces.LoadOptions = { root, pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } } };

/** What a command printed and how it ended. */
export interface TheaterResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly error: Error | undefined;
}

/** Runs `theater <argv...>` and captures its output and exit code (ANSI colours stripped). */
export async function runTheater(argv: readonly string[]): Promise<TheaterResult> {
  // runCommand joins its arguments with spaces and splits them again, honouring double quotes.
  const quoted = argv.map((arg) => (/\s/u.test(arg) ? `"${arg}"` : arg));
  const { stdout, stderr, error } = await runCommand(quoted, loadOptions);
  // oclif records failures in process.exitCode as the real binary would; the test process must not inherit them.
  process.exitCode = undefined;
  const exit = (error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit;
  return { stdout, stderr, error, exitCode: error === undefined ? 0 : (exit ?? 1) };
}
