/**
 * The base of every `theater` command: `--json` support and the exit-code policy. Expected failures print their
 * message (or, with `--json`, one JSON object on stdout) and exit with their code; no stack traces.
 */
import { Command, Errors } from '@oclif/core';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { toCommandFailure } from './toCommandFailure.js';

/** A command whose `run()` result is its `--json` output and whose expected failures are `CommandFailure`s. */
export abstract class TheaterCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    const json = this.jsonEnabled();
    const failure = toCommandFailure(error) ?? usageFailure(error) ?? (json ? internalFailure(error) : undefined);
    // Without --json, an unexpected error is oclif's to print, with its stack: it is a bug to report.
    if (failure === undefined) return super.catch(error);
    if (json) this.logJson(failure.json);
    else for (const line of failure.lines) this.logToStderr(line);
    throw new Errors.ExitError(failure.exitCode);
  }
}

/**
 * A usage error (unknown flag, missing argument, flag without a value): `invalid-usage` with oclif's message, and the
 * exit code it has (2), as one JSON object under --json, where oclif's own would dump the parser's state.
 */
function usageFailure(error: Error): CommandFailure | undefined {
  if (!(error instanceof Errors.CLIError) || error instanceof Errors.ExitError) return undefined;
  const message = error.message.replace(/\n+See more help with --help\s*$/u, '');
  const exitCode = error.oclif.exit === EXIT.failed ? EXIT.failed : EXIT.badInput;
  return new CommandFailure(
    exitCode,
    [`invalid-usage: ${message}`, 'See more help with --help'],
    { error: { code: 'invalid-usage', message } },
    { cause: error },
  );
}

/** Under --json, any other unexpected error is one `internal-error` object too (exit 1). */
function internalFailure(error: Error): CommandFailure {
  const message = error instanceof Error ? error.message : String(error);
  return new CommandFailure(EXIT.failed, [`internal-error: ${message}`], { error: { code: 'internal-error', message } }, { cause: error });
}
