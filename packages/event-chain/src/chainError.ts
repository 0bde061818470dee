/** The event-chain package's error class: every failure it reports carries a stable `code`. */

/**
 * Stable error codes; see the package README.
 * - `invalid-key`: a node key file exists but is not a valid Ed25519 key (it is never silently replaced).
 * - `key-unavailable`: the key directory or files cannot be read or written (permissions, I/O).
 * - `invalid-checkpoint`: bytes that should hold a checkpoint do not.
 * - `invalid-chain-file`: an exported chain file is not in the expected format.
 */
export type ChainErrorCode =
  | 'invalid-key'
  | 'key-unavailable'
  | 'invalid-checkpoint'
  | 'invalid-chain-file'
  | 'store-closed'
  | 'open-failed'
  | 'storage-failed'
  | 'invalid-actor-id'
  | 'unknown-actor'
  | 'seq-beyond-head'
  | 'corrupt-chain'
  | 'chain-exists'
  | 'not-linked';

/** An error raised by the event chain, with a stable `code` and the underlying `cause`. */
export class ChainError extends Error {
  override readonly name = 'ChainError';
  readonly code: ChainErrorCode;

  constructor(code: ChainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** True when `error` is a ChainError, optionally with the given code. */
export function isChainError(error: unknown, code?: ChainErrorCode): error is ChainError {
  return error instanceof ChainError && (code === undefined || error.code === code);
}
