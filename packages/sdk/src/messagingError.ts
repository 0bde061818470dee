/**
 * The error the messaging helpers (`@theater/sdk/messaging`) and `decodeReply` throw. It is an `ActorError`: left
 * uncaught in a handler, it fails the actor like any other failure (let it crash); catch it to carry on.
 */
import { hostErrorMessage } from './hostErrorMessage.js';
import { ActorError } from './actorError.js';

/**
 * `invalid-reply`: a reply is not in the `defineActor` reply envelope (or its value does not decode); otherwise the
 * kernel's code from the host's `err("<code>: <message>")`, e.g. `actor-not-found`, `actor-failed`,
 * `actor-not-running`, `request-timeout`, `request-cancelled`, `request-cycle`, `mailbox-full`, `unknown-request`;
 * `host-error` when the host's error names no code.
 */
export type MessagingErrorCode =
  | 'invalid-reply'
  | 'actor-not-found'
  | 'actor-failed'
  | 'actor-not-running'
  | 'request-timeout'
  | 'request-cancelled'
  | 'request-cycle'
  | 'mailbox-full'
  | 'unknown-request'
  | 'host-error'
  | (string & {});

/** A messaging call failed: the host refused it, or the reply could not be read. */
export class MessagingError extends ActorError {
  override readonly name = 'MessagingError';
  readonly code: MessagingErrorCode;

  constructor(code: MessagingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The `MessagingError` for a host `err("<code>: <message>")` thrown by a `message-server-host` call. */
export function fromHostError(what: string, error: unknown): MessagingError {
  const message = hostErrorMessage(error);
  const code = /^([a-z][a-z-]*): /u.exec(message)?.[1] ?? 'host-error';
  return new MessagingError(code, `${what} failed: ${message}`);
}
