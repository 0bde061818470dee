/** The SDK's error class: every failure `buildActor` reports carries a stable `code` and the underlying `cause`. */

/** Stable error codes; see the package README. */
export type SdkErrorCode =
  | 'entry-not-found'
  | 'unknown-world'
  | 'invalid-world'
  | 'invalid-wit'
  | 'import-not-in-world'
  | 'type-check-failed'
  | 'bundle-failed'
  | 'componentize-failed';

/** An error raised by the SDK, with a stable `code` and the underlying `cause`. */
export class SdkError extends Error {
  override readonly name = 'SdkError';
  readonly code: SdkErrorCode;
  /** For `import-not-in-world`: the interfaces imported that the world lacks (`theater:simple/timing`). */
  readonly interfaces: readonly string[];

  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown; interfaces?: readonly string[] }) {
    super(message, options);
    this.code = code;
    this.interfaces = options?.interfaces ?? [];
  }
}

/** True when `error` is an SdkError, optionally with the given code. */
export function isSdkError(error: unknown, code?: SdkErrorCode): error is SdkError {
  return error instanceof SdkError && (code === undefined || error.code === code);
}
