/**
 * The base of every `theater` command: `--json` support and the exit-code policy. Expected failures print their
 * message (or, with `--json`, one JSON object on stdout) and exit with their code; no stack traces.
 */
import { Command, Errors } from '@oclif/core';
import { toCommandFailure } from './toCommandFailure.js';

/** A command whose `run()` result is its `--json` output and whose expected failures are `CommandFailure`s. */
export abstract class TheaterCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    const failure = toCommandFailure(error);
    if (failure === undefined) return super.catch(error);
    if (this.jsonEnabled()) this.logJson(failure.json);
    else for (const line of failure.lines) this.logToStderr(line);
    throw new Errors.ExitError(failure.exitCode);
  }
}

