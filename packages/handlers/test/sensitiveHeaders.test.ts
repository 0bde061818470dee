/** Which request headers the http-client handler withholds from the chain. */
import { describe, expect, it } from 'vitest';
import { SENSITIVE_HEADERS, sensitiveHeaderValues } from '../src/http/sensitiveHeaders.js';

describe('sensitiveHeaderValues', () => {
  it('points at the value of each credential header, whatever the case of its name, and at nothing else', () => {
    const headers = [
      ['Authorization', 'Bearer sk-1'],
      ['content-type', 'application/json'],
      ['X-API-KEY', 'k'],
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['x-api-keys', 'not a credential header'],
    ];
    expect(sensitiveHeaderValues(headers, '/args/0/headers')).toEqual([
      '/args/0/headers/0/1',
      '/args/0/headers/2/1',
      '/args/0/headers/3/1',
      '/args/0/headers/4/1',
    ]);
  });

  it('names request credentials only: set-cookie, a response header, is not among them', () => {
    expect([...SENSITIVE_HEADERS].sort()).toEqual([
      'api-key',
      'authorization',
      'cookie',
      'proxy-authorization',
      'x-api-key',
      'x-auth-token',
      'x-goog-api-key',
    ]);
  });

  it('points at nothing in what is not a header list', () => {
    expect(sensitiveHeaderValues(undefined, '/h')).toEqual([]);
    expect(sensitiveHeaderValues([['authorization'], 'authorization', [1, 'x']], '/h')).toEqual(['/h/0/1']);
  });
});
