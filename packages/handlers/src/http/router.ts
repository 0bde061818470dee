/**
 * Route matching for the `http-framework` handler. A pattern is a path starting with `/` whose segments are literal
 * (`items`), a parameter (`:id`, one non-empty segment) or, as the last segment only, `*` (the rest of the path, zero
 * or more segments). Literal segments compare with the request's path as sent (not percent-decoded), so `/a%20b` is
 * a different path from `/a b`. A route's method is an HTTP method token, matched case-insensitively; `*` (or its
 * synonym `ANY`) matches every method, and a GET route also answers HEAD when no route names HEAD.
 *
 * When several routes match a path, the most specific wins: segment by segment, literal beats parameter beats `*`;
 * among equally specific ones, the first registered.
 */

/** One segment of a compiled pattern. */
type Segment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'param' } | { readonly kind: 'rest' };

/** A validated path pattern. */
export interface PathPattern {
  readonly source: string;
  readonly segments: readonly Segment[];
}

/** An HTTP method token (RFC 9110 `token`). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/u;

/** True when `text` is an HTTP token (what a method must be). */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** The method of a route: an upper-cased token, or `*` for any method. */
export type RouteMethod = string;

/** Compiles `path` into a pattern, or returns why it is not one. */
export function parsePattern(path: string): PathPattern | string {
  if (!path.startsWith('/')) return `a path must start with "/", got ${JSON.stringify(path)}`;
  if (path.includes('?') || path.includes('#')) return `a path pattern has no query or fragment, got ${JSON.stringify(path)}`;
  const parts = splitPath(path);
  const segments: Segment[] = [];
  for (const [index, part] of parts.entries()) {
    if (part === '*') {
      if (index !== parts.length - 1) return `"*" may only end a path pattern, got ${JSON.stringify(path)}`;
      segments.push({ kind: 'rest' });
    } else if (part.startsWith(':')) {
      if (part.length === 1) return `a parameter needs a name, got ${JSON.stringify(path)}`;
      segments.push({ kind: 'param' });
    } else {
      segments.push({ kind: 'literal', text: part });
    }
  }
  return { source: path, segments };
}

/** Normalises a route's method: an upper-cased token, `*` for any (also written `ANY`); or why it is not one. */
export function parseMethod(method: string): RouteMethod | { readonly error: string } {
  const upper = method.toUpperCase();
  if (upper === '*' || upper === 'ANY') return '*';
  if (!TOKEN.test(upper)) return { error: `expected an HTTP method (or "*" for any), got ${JSON.stringify(method)}` };
  return upper;
}

/** The path's segments (`/a/b/` has `a`, `b` and an empty last one; `/` has none). */
function splitPath(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** The path part of a request target (`/a/b?x=1` → `/a/b`). */
export function pathOf(uri: string): string {
  const end = uri.search(/[?#]/u);
  return end === -1 ? uri : uri.slice(0, end);
}

/** The query of a request target, without `?`, or undefined when there is none. */
export function queryOf(uri: string): string | undefined {
  const start = uri.indexOf('?');
  if (start === -1) return undefined;
  const end = uri.indexOf('#', start);
  return end === -1 ? uri.slice(start + 1) : uri.slice(start + 1, end);
}

/**
 * How specifically `pattern` matches `path`: one rank per pattern segment (2 literal, 1 parameter, 0 rest), or
 * undefined when it does not match.
 */
function specificity(pattern: PathPattern, parts: readonly string[]): number[] | undefined {
  const ranks: number[] = [];
  for (const [index, segment] of pattern.segments.entries()) {
    if (segment.kind === 'rest') {
      ranks.push(0);
      return ranks;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return undefined;
      ranks.push(2);
    } else {
      if (part === '') return undefined;
      ranks.push(1);
    }
  }
  return parts.length === pattern.segments.length ? ranks : undefined;
}

/** True when `pattern` matches `path` exactly. */
export function matches(pattern: PathPattern, path: string): boolean {
  return specificity(pattern, splitPath(path)) !== undefined;
}

/** True when `pattern` matches `path` or a path below it (`/private` covers `/private` and `/private/x`). */
export function covers(pattern: PathPattern, path: string): boolean {
  const parts = splitPath(path);
  if (specificity(pattern, parts) !== undefined) return true;
  const last = pattern.segments.at(-1);
  if (last?.kind === 'rest') return false;
  return specificity({ source: pattern.source, segments: [...pattern.segments, { kind: 'rest' }] }, parts) !== undefined;
}

/** Something routable: a pattern and a method. */
export interface Routable {
  readonly pattern: PathPattern;
  readonly method: RouteMethod;
}

/** The outcome of routing one request. */
export type RouteMatch<R extends Routable> =
  | { readonly kind: 'found'; readonly route: R }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/** Picks the route for `method` and `path` among `routes` (in registration order). */
export function route<R extends Routable>(routes: Iterable<R>, method: string, path: string): RouteMatch<R> {
  const parts = splitPath(path);
  const wanted = method.toUpperCase();
  let best: { route: R; ranks: number[] } | undefined;
  let headFallback: { route: R; ranks: number[] } | undefined;
  const allowed = new Set<string>();
  let pathMatched = false;
  for (const candidate of routes) {
    const ranks = specificity(candidate.pattern, parts);
    if (ranks === undefined) continue;
    pathMatched = true;
    allowed.add(candidate.method);
    if (candidate.method === wanted || candidate.method === '*') {
      if (best === undefined || moreSpecific(ranks, best.ranks)) best = { route: candidate, ranks };
    } else if (wanted === 'HEAD' && candidate.method === 'GET') {
      if (headFallback === undefined || moreSpecific(ranks, headFallback.ranks)) headFallback = { route: candidate, ranks };
    }
  }
  const chosen = best ?? headFallback;
  if (chosen !== undefined) return { kind: 'found', route: chosen.route };
  if (!pathMatched) return { kind: 'not-found' };
  if (allowed.has('GET')) allowed.add('HEAD');
  return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
}

/** True when `a` ranks strictly above `b` (compared segment by segment, then the longer pattern). */
function moreSpecific(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! > b[i]!;
  }
  return a.length > b.length;
}
