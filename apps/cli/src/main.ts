/**
 * The `theater` command line's entry (bin/run.js, and the tests' run from source): oclif's `run`, with errors reported
 * as oclif reports them but without its help lookup after a usage error, since that lookup throws for what is no
 * command (`theater help x --bogus`) and oclif then prints two stack traces and exits 1. Our commands report their
 * own usage errors (TheaterCommand); this covers oclif's own (the help command's flags, an unknown command).
 */
import { Errors, flush, handle, run, type Interfaces } from '@oclif/core';

/**
 * Runs `theater` with `argv`, oclif loading the package from `load` (a file in it, or load options).
 * @example
 * await main(process.argv.slice(2), import.meta.url);
 */
export async function main(argv: string[], load: string | Interfaces.LoadOptions): Promise<void> {
  try {
    await run(argv, load);
    // Not awaited, as oclif's own `execute` does: with stdout closed early (`| head`) it would never settle.
    void flush();
  } catch (error) {
    // An unknown command (also a command that takes no argument given one: `theater list x` is looked up as
    // `list:x`) under --json is one JSON object like every other usage error, not oclif's text.
    if (wantsJson(argv) && error instanceof Errors.CLIError && !(error instanceof Errors.ExitError)) {
      const message = error.message.replace(/\n+See more help with --help\s*$/u, '');
      process.stdout.write(`${JSON.stringify({ error: { code: 'invalid-usage', message } }, null, 2)}\n`);
      process.exitCode = 2;
      return;
    }
    await handle(error instanceof Error ? Object.assign(error, { showHelp: false }) : new Error(String(error)));
  }
}

/** True when `--json` is among the arguments before any `--`. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}
