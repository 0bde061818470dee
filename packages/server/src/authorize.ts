/**
 * Who may use the API: a request must carry `Authorization: Bearer <token>` (the home's `server.token`), and a
 * request a browser sends from another origin is refused, so a web page cannot drive the API (CSRF, DNS rebinding).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServerError } from './serverError.js';

/** Throws `unauthorized` (401) or `forbidden-origin` (403); checked before any route runs. */
export function authorize(request: FastifyRequest, token: string, ownOrigins: () => readonly string[]): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !ownOrigins().includes(origin)) {
    throw new ServerError('forbidden-origin', `requests from origin ${origin} are refused`, 403);
  }
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  if (!sameSecret(given, token)) throw new ServerError('unauthorized', 'a valid bearer token is required (see <home>/server.token)', 401);
}

/** Compares digests in constant time, so the comparison leaks neither the token nor its length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return given !== '' && timingSafeEqual(digest(given), digest(expected));
}
