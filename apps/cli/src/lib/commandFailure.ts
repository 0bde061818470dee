/** An expected failure of a command: an exit code, the lines to print on stderr, and the `--json` output. */
import type { ExitCode } from './exitCodes.js';

/** The `--json` output of a failed command. */
export type FailureJson = object;

/** Thrown by commands (and produced from library errors) to end with a clear message and exit code, never a stack trace. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  readonly exitCode: ExitCode;
  /** Printed on stderr, one per line. */
  readonly lines: readonly string[];
  /** Printed on stdout instead of the lines when `--json` is given. */
  readonly json: FailureJson;

  constructor(exitCode: ExitCode, lines: readonly string[], json: FailureJson, options?: { cause?: unknown }) {
    super(lines.join('\n'), options);
    this.exitCode = exitCode;
    this.lines = lines;
    this.json = json;
  }
}
