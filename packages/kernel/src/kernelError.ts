/** The kernel's error class: every failure the kernel reports carries a stable `code`. */
import type { Actor } from './actor/actor.js';

/** Stable error codes; see the package README. */
export type KernelErrorCode =
  | 'component-not-found'
  | 'invalid-component'
  | 'invalid-init-state'
  | 'component-too-large'
  | 'import-not-granted'
  | 'export-missing'
  | 'export-mismatch'
  | 'import-mismatch'
  | 'unknown-handler'
  | 'duplicate-handler'
  | 'instantiation-failed'
  | 'init-failed'
  | 'actor-not-found'
  | 'actor-exists'
  | 'actor-not-running'
  | 'actor-failed'
  | 'operation-aborted'
  | 'mailbox-full'
  | 'chain-write-failed'
  | 'chain-store-unavailable'
  | 'invalid-chain'
  | 'request-timeout'
  | 'request-cycle'
  | 'request-cancelled'
  | 'unknown-request'
  | 'unknown-channel'
  | 'channel-rejected'
  | 'permission-denied'
  | 'invalid-grant'
  | 'system-closed';

/** An error raised by the kernel, with a stable `code` and the underlying `cause`. */
export class KernelError extends Error {
  override readonly name = 'KernelError';
  readonly code: KernelErrorCode;
  /** For `init-failed`: the actor that failed (status `failed`, with its `failure` and events). */
  readonly actor: Actor | undefined;

  constructor(code: KernelErrorCode, message: string, options?: { cause?: unknown; actor?: Actor }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.actor = options?.actor;
  }
}

/** True when `error` is a KernelError, optionally with the given code. */
export function isKernelError(error: unknown, code?: KernelErrorCode): error is KernelError {
  return error instanceof KernelError && (code === undefined || error.code === code);
}
