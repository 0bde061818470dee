/** The SDK's error class: every failure `buildActor` reports carries a stable `code` and the underlying `cause`. */

/** Stable error codes; see the package README. */
export type SdkErrorCode =
  | 'entry-not-found'
  | 'unknown-world'
  | 'invalid-wit'
  | 'bundle-failed'
  | 'componentize-failed';

/** An error raised by the SDK, with a stable `code` and the underlying `cause`. */
export class SdkError extends Error {
  override readonly name = 'SdkError';
  readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is an SdkError, optionally with the given code. */
export function isSdkError(error: unknown, code?: SdkErrorCode): error is SdkError {
  return error instanceof SdkError && (code === undefined || error.code === code);
}
