/**
 * Headers whose values are credentials: the `http-client` handler records them as `[redacted]` (see the kernel's
 * `redacting`) in the request the actor sent, so an API key passed in a header never reaches the chain. The list is
 * fixed, so a replay, which answers from the chain, withholds the same.
 *
 * Only what the actor sends is withheld. A response is what the actor is given: a replay hands the actor the recorded
 * response, so a withheld `set-cookie` would reach the replayed actor as `[redacted]` and any use of it would diverge.
 */

/** Lower-case names of the request headers whose values are never recorded. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-auth-token',
]);

/** JSON Pointers, under `at` (`/args/0/headers`), to the values of the sensitive headers among `headers`. */
export function sensitiveHeaderValues(headers: unknown, at: string): string[] {
  if (!Array.isArray(headers)) return [];
  return headers.flatMap((header: unknown, index) =>
    Array.isArray(header) && typeof header[0] === 'string' && SENSITIVE_HEADERS.has(header[0].toLowerCase()) ? [`${at}/${index}/1`] : [],
  );
}
