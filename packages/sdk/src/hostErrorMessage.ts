/** The message carried by a thrown host `err`, for actor code that catches one. */

/**
 * The message of a host `err` as componentize-js throws it (an Error carrying it in `payload`), or of any other throw.
 * @example
 * try { getChildState(id); } catch (error) { return replyError(state, { code: 'unavailable', message: hostErrorMessage(error) }); }
 */
export function hostErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object') {
    const payload = (error as { payload?: unknown }).payload;
    if (typeof payload === 'string') return payload;
    if (error instanceof Error) return `${error.name}: ${error.message}`;
  }
  return String(error);
}
