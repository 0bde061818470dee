/** Maps the errors the libraries report (manifest, kernel, event chain, SDK) to command failures with the CLI's exit codes. */
import { isTheaterApiError } from '@theater/client';
import { isChainError, type ChainErrorCode } from '@theater/event-chain';
import { isKernelError, isManifestError, type KernelErrorCode } from '@theater/kernel';
import { isSdkError, type SdkErrorCode } from '@theater/sdk';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/**
 * Kernel codes that mean the actor ran and failed (a request it did not answer within `limits.call_timeout_ms`
 * included); every other kernel code is a refusal of bad input.
 */
const KERNEL_FAILURES: ReadonlySet<KernelErrorCode> = new Set(['init-failed', 'instantiation-failed', 'actor-failed', 'request-timeout']);

/** Event-chain codes that mean stored chain data could not be read; the others are bad input (an actor id, a file, a key). */
const CHAIN_FAILURES: ReadonlySet<ChainErrorCode> = new Set(['corrupt-chain', 'storage-failed', 'store-closed']);

/** SDK codes that mean the build ran and failed; the others are bad input. */
const SDK_FAILURES: ReadonlySet<SdkErrorCode> = new Set(['bundle-failed', 'componentize-failed', 'type-check-failed']);

/** The failure to report for an error a library threw, or `undefined` when the error is not one we expect. */
export function toCommandFailure(error: unknown): CommandFailure | undefined {
  if (error instanceof CommandFailure) return error;
  if (isManifestError(error)) {
    // The ManifestError message already holds one line per problem, each naming its field and line.
    const lines = error.message.split('\n');
    return new CommandFailure(
      EXIT.badInput,
      lines,
      { error: { code: error.code, message: error.message, source: error.source ?? null, problems: error.problems } },
      { cause: error },
    );
  }
  if (isKernelError(error)) {
    const exitCode = KERNEL_FAILURES.has(error.code) ? EXIT.failed : EXIT.badInput;
    return new CommandFailure(
      exitCode,
      `${error.code}: ${error.message}`.split('\n'),
      { error: { code: error.code, message: error.message } },
      { cause: error },
    );
  }
  if (isChainError(error)) {
    const exitCode = CHAIN_FAILURES.has(error.code) ? EXIT.failed : EXIT.badInput;
    return new CommandFailure(
      exitCode,
      `${error.code}: ${error.message}`.split('\n'),
      { error: { code: error.code, message: error.message } },
      { cause: error },
    );
  }
  if (isSdkError(error)) {
    // SDK messages carry the bundler's or componentize-js's diagnostics on the following lines.
    const exitCode = SDK_FAILURES.has(error.code) ? EXIT.failed : EXIT.badInput;
    const lines = `${error.code}: ${error.message}`.split('\n');
    return new CommandFailure(exitCode, lines, { error: { code: error.code, message: error.message } }, { cause: error });
  }
  if (isTheaterApiError(error)) {
    // The server's codes are the kernel's and the manifest's (mapped as above) and its own: a refused request is bad
    // input; a failed actor, a timeout, a server error or a cut connection is a failure.
    const failed = KERNEL_FAILURES.has(error.code as KernelErrorCode) || error.status >= 500 || API_FAILURES.has(error.code);
    const json = {
      error: {
        code: error.code,
        message: error.message,
        ...error.details,
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      },
    };
    return new CommandFailure(failed ? EXIT.failed : EXIT.badInput, `${error.code}: ${error.message}`.split('\n'), json, { cause: error });
  }
  return undefined;
}

/** Client codes that mean the call was made and failed (not that it was refused). */
const API_FAILURES: ReadonlySet<string> = new Set(['network-error', 'client-timeout', 'invalid-response']);
