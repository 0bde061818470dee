/** The server's error class: a stable `code` and the HTTP status it is answered with. */

/** Stable error codes of the API (besides the kernel's and the manifest's, passed through). */
export type ServerErrorCode =
  | 'unauthorized'
  | 'forbidden-origin'
  | 'not-found'
  | 'actor-not-found'
  | 'ambiguous-actor-id'
  | 'actor-not-running'
  | 'invalid-request'
  | 'payload-too-large'
  | 'server-running'
  | 'home-in-use'
  | 'journal-write-failed'
  | 'internal-error';

/** An error the API answers with `{ error: { code, message }, requestId }` and `statusCode`. */
export class ServerError extends Error {
  override readonly name = 'ServerError';

  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is a ServerError, optionally with the given code. */
export function isServerError(error: unknown, code?: ServerErrorCode): error is ServerError {
  return error instanceof ServerError && (code === undefined || error.code === code);
}
