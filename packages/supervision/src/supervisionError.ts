/** The supervision package's error class: every failure it reports carries a stable `code`. */

/** Stable error codes; see the package README. */
export type SupervisionErrorCode = 'intensity-exceeded';

/** An error raised by supervision, with a stable `code` and the underlying `cause`. */
export class SupervisionError extends Error {
  override readonly name = 'SupervisionError';
  readonly code: SupervisionErrorCode;

  constructor(code: SupervisionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is a SupervisionError, optionally with the given code. */
export function isSupervisionError(error: unknown, code?: SupervisionErrorCode): error is SupervisionError {
  return error instanceof SupervisionError && (code === undefined || error.code === code);
}
