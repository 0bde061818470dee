/** The error actor code throws to fail the operation it is in: the export returns `err(message)`. */

/**
 * Throw this from an actor export to make it return `err(message)`. That is a **failure**, not an answer: the
 * kernel fails the actor (`guest-error`), rejects the operation's caller, and reports the failure to the actor's
 * supervisor, which may restart it. To answer a request with an error and keep running, reply with an error value
 * instead (`replyError` in `defineActor`).
 *
 * componentize-js lowers a thrown value into the export's `result` error only when it is a string or carries a string
 * `payload`; any other thrown value (a plain `Error`, a number) cannot be lowered and traps the instance (the kernel's
 * `trap`, with the message lost). `defineActor` turns every throw into an `ActorError`.
 *
 * @example
 * if (config === undefined) throw new ActorError('init refused: bad config');
 */
export class ActorError extends Error {
  override readonly name: string = 'ActorError';
  /** The string the host receives as the `result` error. */
  readonly payload: string;

  constructor(message: string) {
    super(message);
    this.payload = message;
  }
}
