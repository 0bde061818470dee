/**
 * Every failure the API answers, as `{ error: { code, message, … }, requestId }` with a fitting status: the server's
 * own errors, request validation, the kernel's and the manifest's. Never a stack trace, never a dropped connection.
 */
import { isChainError, type ChainErrorCode } from '@theater/event-chain';
import { isKernelError, isManifestError, type KernelErrorCode } from '@theater/kernel';
import { isServerError } from './serverError.js';

/** The body and status of a failure. */
export interface ApiFailure {
  readonly statusCode: number;
  readonly error: { readonly code: string; readonly message: string; readonly [detail: string]: unknown };
}

/** Kernel codes and their statuses; any other kernel code is bad input (400). */
const KERNEL_STATUS: Partial<Record<KernelErrorCode, number>> = {
  'actor-not-found': 404,
  'actor-not-running': 409,
  'mailbox-full': 503,
  'request-timeout': 504,
  'init-failed': 422,
  'instantiation-failed': 422,
  'actor-failed': 422,
  'actor-exists': 409,
  'request-cancelled': 409,
  // The server's own trouble, not the request's: the store failed, or the system is closing.
  'chain-write-failed': 503,
  'chain-store-unavailable': 503,
  'system-closed': 503,
};

/** Event-chain codes that are the store failing (503); the others are bad input (400: an invalid id, a key). */
const CHAIN_FAILURES: ReadonlySet<ChainErrorCode> = new Set([
  'store-closed',
  'open-failed',
  'storage-failed',
  'corrupt-chain',
  'key-unavailable',
]);

/** The failure to answer for `error`. */
export function toApiFailure(error: unknown): ApiFailure {
  if (isServerError(error)) return { statusCode: error.statusCode, error: { code: error.code, message: error.message } };
  if (isKernelError(error)) return { statusCode: KERNEL_STATUS[error.code] ?? 400, error: { code: error.code, message: error.message } };
  if (isChainError(error))
    return { statusCode: CHAIN_FAILURES.has(error.code) ? 503 : 400, error: { code: error.code, message: error.message } };
  if (isManifestError(error)) return { statusCode: 400, error: { code: error.code, message: error.message, problems: error.problems } };
  const framework = error as { statusCode?: unknown; validation?: unknown; message?: unknown };
  if (framework.validation !== undefined)
    return { statusCode: 400, error: { code: 'invalid-request', message: String(framework.message) } };
  if (framework.statusCode === 413) return { statusCode: 413, error: { code: 'payload-too-large', message: String(framework.message) } };
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    // Malformed JSON, an unsupported content type, an empty body where one is required.
    return { statusCode: 400, error: { code: 'invalid-request', message: String(framework.message) } };
  }
  return { statusCode: 500, error: { code: 'internal-error', message: 'the server failed to handle the request' } };
}
