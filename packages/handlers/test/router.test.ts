import { describe, expect, it } from 'vitest';
import { covers, matches, parseMethod, parsePattern, pathOf, queryOf, route, type PathPattern } from '../src/http/router.js';

function pattern(path: string): PathPattern {
  const parsed = parsePattern(path);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

function routes(...specs: [string, string][]): { name: string; pattern: PathPattern; method: string }[] {
  return specs.map(([method, path]) => ({ name: `${method} ${path}`, pattern: pattern(path), method: parseMethod(method) as string }));
}

const found = (match: ReturnType<typeof route<{ name: string; pattern: PathPattern; method: string }>>): string =>
  match.kind === 'found' ? match.route.name : match.kind;

describe('router', () => {
  it('matches literal, parameter and trailing wildcard segments', () => {
    expect(matches(pattern('/'), '/')).toBe(true);
    expect(matches(pattern('/'), '/a')).toBe(false);
    expect(matches(pattern('/items/:id'), '/items/7')).toBe(true);
    expect(matches(pattern('/items/:id'), '/items/')).toBe(false);
    expect(matches(pattern('/items/:id'), '/items/7/x')).toBe(false);
    expect(matches(pattern('/files/*'), '/files')).toBe(true);
    expect(matches(pattern('/files/*'), '/files/a/b/c')).toBe(true);
    expect(matches(pattern('/files/*'), '/filesx')).toBe(false);
    expect(matches(pattern('/*'), '/')).toBe(true);
    expect(matches(pattern('/a%20b'), '/a%20b')).toBe(true);
    expect(matches(pattern('/a%20b'), '/a b')).toBe(false);
  });

  it('refuses malformed patterns and methods', () => {
    expect(parsePattern('items')).toBe('a path must start with "/", got "items"');
    expect(parsePattern('/a/*/b')).toBe('"*" may only end a path pattern, got "/a/*/b"');
    expect(parsePattern('/a/:')).toBe('a parameter needs a name, got "/a/:"');
    expect(parsePattern('/a?b=1')).toBe('a path pattern has no query or fragment, got "/a?b=1"');
    expect(parseMethod('get')).toBe('GET');
    expect(parseMethod('any')).toBe('*');
    expect(parseMethod('*')).toBe('*');
    expect(parseMethod('GE T')).toEqual({ error: 'expected an HTTP method (or "*" for any), got "GE T"' });
    expect(parseMethod('')).toEqual({ error: 'expected an HTTP method (or "*" for any), got ""' });
  });

  it('prefers the most specific route, then the first added', () => {
    const table = routes(['GET', '/*'], ['GET', '/items/:id'], ['GET', '/items/new'], ['GET', '/items/:other'], ['ANY', '/items/*']);
    expect(found(route(table, 'GET', '/items/new'))).toBe('GET /items/new');
    expect(found(route(table, 'GET', '/items/7'))).toBe('GET /items/:id');
    expect(found(route(table, 'POST', '/items/7'))).toBe('ANY /items/*');
    expect(found(route(table, 'GET', '/other'))).toBe('GET /*');
  });

  it('answers HEAD with a GET route, and tells 404 from 405 with the allowed methods', () => {
    const table = routes(['GET', '/a'], ['POST', '/a'], ['PUT', '/b']);
    expect(found(route(table, 'HEAD', '/a'))).toBe('GET /a');
    expect(route(table, 'DELETE', '/a')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'POST'] });
    expect(route(table, 'HEAD', '/b')).toEqual({ kind: 'method-not-allowed', allowed: ['PUT'] });
    expect(route(table, 'GET', '/c')).toEqual({ kind: 'not-found' });
  });

  it('lets middleware cover its path and everything below it', () => {
    expect(covers(pattern('/private'), '/private')).toBe(true);
    expect(covers(pattern('/private'), '/private/x/y')).toBe(true);
    expect(covers(pattern('/private'), '/privateer')).toBe(false);
    expect(covers(pattern('/'), '/anything')).toBe(true);
    expect(covers(pattern('/users/:id'), '/users/3/posts')).toBe(true);
  });

  it('splits a request target into path and query', () => {
    expect(pathOf('/a/b?x=1#f')).toBe('/a/b');
    expect(queryOf('/a/b?x=1#f')).toBe('x=1');
    expect(queryOf('/a/b')).toBeUndefined();
    expect(queryOf('/a?')).toBe('');
  });
});
