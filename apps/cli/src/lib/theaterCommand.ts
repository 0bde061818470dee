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
    const failure = toCommandFailure(error) ?? (json ? jsonOnlyFailure(error) : undefined);
    // Without --json, oclif prints a usage error as one message (exit 2), and an unexpected error with its stack.
    if (failure === undefined) return super.catch(error);
    if (json) this.logJson(failure.json);
    else for (const line of failure.lines) this.logToStderr(line);
    throw new Errors.ExitError(failure.exitCode);
  }
}

/**
 * Under --json, every error is one `{ error: { code, message } }` object: oclif's own would dump the parser's
 * state (flag definitions, paths). A usage error (unknown flag, missing argument, flag without a value) keeps the
 * exit code it has without --json; anything else is an internal error (exit 1).
 */
function jsonOnlyFailure(error: Error): CommandFailure {
  if (error instanceof Errors.CLIError && !(error instanceof Errors.ExitError)) {
    const message = error.message.replace(/\n+See more help with --help\s*$/u, '');
    const exitCode = error.oclif.exit === EXIT.failed ? EXIT.failed : EXIT.badInput;
    return new CommandFailure(exitCode, [`invalid-usage: ${message}`], { error: { code: 'invalid-usage', message } }, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CommandFailure(EXIT.failed, [`internal-error: ${message}`], { error: { code: 'internal-error', message } }, { cause: error });
}
