/**
 * The error thrown when a manifest cannot be read or is invalid: it carries every problem found, each naming its
 * field and, where known, its line.
 */

/** Stable codes of {@link ManifestError}. */
export type ManifestErrorCode = 'invalid-manifest' | 'manifest-not-found';

/** One thing wrong with a manifest: the field it concerns (`limits.memory_mb`, `handler[2].type`, `(toml)`). */
export interface ManifestProblem {
  readonly field: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Options of {@link ManifestError}. */
export interface ManifestErrorOptions {
  readonly cause?: unknown;
  readonly code?: ManifestErrorCode;
}

/** Thrown by `parseManifest` and `loadManifest`; `problems` lists everything wrong, not only the first thing. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly code: ManifestErrorCode;
  readonly problems: readonly ManifestProblem[];
  /** The manifest's file path, when it came from a file. */
  readonly source: string | undefined;

  constructor(problems: readonly ManifestProblem[], source: string | undefined, options: ManifestErrorOptions = {}) {
    const message = problems.map((problem) => formatProblem(problem, source)).join('\n');
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'invalid-manifest';
    this.problems = Object.freeze([...problems]);
    this.source = source;
  }
}

function formatProblem(problem: ManifestProblem, source: string | undefined): string {
  const prefix = source === undefined ? '' : `${source}: `;
  let position = '';
  if (problem.line !== undefined) {
    const column = problem.column === undefined ? '' : `, column ${problem.column}`;
    position = ` (line ${problem.line}${column})`;
  }
  return `${prefix}${problem.field}: ${problem.message}${position}`;
}

/** True when `error` is a ManifestError, optionally with the given code. */
export function isManifestError(error: unknown, code?: ManifestErrorCode): error is ManifestError {
  return error instanceof ManifestError && (code === undefined || error.code === code);
}
