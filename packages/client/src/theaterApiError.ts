/** The client's error class: the server's structured error (its `code`, HTTP status and request id), or the client's own. */

/** Codes the client itself raises, besides those the server answers with. */
export type ClientErrorCode =
  /** No server runs on the home (no `server.json`, its process is gone, or nothing answers at its URL). */
  | 'server-not-running'
  /** No token: none in the home's `server.token`, none given, none in `THEATER_TOKEN`. */
  | 'token-missing'
  /** The connection failed or was cut. */
  | 'network-error'
  /** The server answered something that is not the API's JSON. */
  | 'invalid-response'
  /** The call took longer than the client's timeout. */
  | 'client-timeout'
  /** A message was sent on a channel that has closed. */
  | 'channel-closed';

/** A failed API call: `code` is the server's (`actor-not-found`, `unauthorized`, …) or a ClientErrorCode. */
export class TheaterApiError extends Error {
  override readonly name = 'TheaterApiError';

  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status; 0 when the server did not answer. */
    readonly status: number,
    /** The server's request id, when it answered. */
    readonly requestId?: string,
    /** Further fields of the server's error object (e.g. a manifest's `problems`). */
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is a TheaterApiError, optionally with the given code. */
export function isTheaterApiError(error: unknown, code?: string): error is TheaterApiError {
  return error instanceof TheaterApiError && (code === undefined || error.code === code);
}
