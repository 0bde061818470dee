/** The error actor code throws to make an export return `err(message)` instead of trapping. */

/**
 * Throw this from an actor export to return `err(message)` to the host.
 *
 * componentize-js lowers a thrown value into the export's `result` error only when it is a string or carries a string
 * `payload`; any other thrown value (a plain `Error`, a number) cannot be lowered and traps the instance.
 *
 * @example
 * if (config === undefined) throw new ActorError('init refused: bad config');
 */
export class ActorError extends Error {
  override readonly name = 'ActorError';
  /** The string the host receives as the `result` error. */
  readonly payload: string;

  constructor(message: string) {
    super(message);
    this.payload = message;
  }
}
