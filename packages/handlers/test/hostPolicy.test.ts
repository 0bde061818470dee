import { describe, expect, it } from 'vitest';
import { hostMatches, parseHostPattern, type HostPattern } from '../src/http/hostPolicy.js';

function pattern(entry: string): HostPattern {
  const parsed = parseHostPattern(entry);
  if ('invalid' in parsed) throw new Error(`${entry}: ${parsed.invalid}`);
  return parsed;
}

const allows = (entry: string, uri: string): boolean => hostMatches(pattern(entry), new URL(uri));

describe('hostPolicy', () => {
  it('matches a host exactly, case-insensitively, on any port', () => {
    expect(allows('api.example.com', 'https://api.example.com/v1')).toBe(true);
    expect(allows('API.Example.COM', 'http://api.EXAMPLE.com:8080/')).toBe(true);
    expect(allows('api.example.com.', 'http://api.example.com/')).toBe(true);
    expect(allows('api.example.com', 'http://api.example.com./')).toBe(true);
    expect(allows('api.example.com', 'http://example.com/')).toBe(false);
    expect(allows('api.example.com', 'http://x.api.example.com/')).toBe(false);
    expect(allows('api.example.com', 'http://api.example.com.evil.org/')).toBe(false);
    expect(allows('example.com', 'http://evilexample.com/')).toBe(false);
  });

  it("matches a host:port entry on that port only, taking a URL's default port from its scheme", () => {
    expect(allows('example.com:8080', 'http://example.com:8080/')).toBe(true);
    expect(allows('example.com:8080', 'http://example.com:8081/')).toBe(false);
    expect(allows('example.com:8080', 'http://example.com/')).toBe(false);
    expect(allows('example.com:80', 'http://example.com/')).toBe(true);
    expect(allows('example.com:80', 'https://example.com/')).toBe(false);
    expect(allows('example.com:443', 'https://example.com/')).toBe(true);
  });

  it('matches a wildcard against subdomains at any depth, never the domain itself', () => {
    expect(allows('*.example.com', 'http://a.example.com/')).toBe(true);
    expect(allows('*.example.com', 'http://a.b.example.com/')).toBe(true);
    expect(allows('*.example.com', 'http://example.com/')).toBe(false);
    expect(allows('*.example.com', 'http://badexample.com/')).toBe(false);
    expect(allows('*.example.com', 'http://example.com.evil.org/')).toBe(false);
    expect(allows('*.example.com:8443', 'https://a.example.com:8443/')).toBe(true);
    expect(allows('*.example.com:8443', 'https://a.example.com/')).toBe(false);
  });

  it('compares addresses and international names after the URL parser normalises them', () => {
    expect(allows('127.0.0.1', 'http://127.1/')).toBe(true);
    expect(allows('127.0.0.1', 'http://0x7f.0.0.1/')).toBe(true);
    expect(allows('127.0.0.1', 'http://2130706433/')).toBe(true);
    expect(allows('127.0.0.1', 'http://localhost/')).toBe(false);
    expect(allows('[::1]', 'http://[::1]:8080/')).toBe(true);
    expect(allows('[::1]:8080', 'http://[0:0:0:0:0:0:0:1]:8080/')).toBe(true);
    expect(allows('[::1]:8080', 'http://[::1]:8081/')).toBe(false);
    expect(allows('bücher.example', 'http://xn--bcher-kva.example/')).toBe(true);
    expect(allows('*.example.com', 'http://b%C3%BCcher.example.com/')).toBe(true);
    // A wildcard never matches an address, whose labels are not subdomains.
    expect(allows('*.com', 'http://127.0.0.1/')).toBe(false);
  });

  it('says why an entry is not a host, host:port or wildcard', () => {
    expect(parseHostPattern('https://example.com')).toEqual({ invalid: 'a host has no scheme, path, user info or spaces' });
    expect(parseHostPattern('example.com/path')).toEqual({ invalid: 'a host has no scheme, path, user info or spaces' });
    expect(parseHostPattern('user@example.com')).toEqual({ invalid: 'a host has no scheme, path, user info or spaces' });
    expect(parseHostPattern('')).toEqual({ invalid: '"" is not a host name or IP address' });
    expect(parseHostPattern('*')).toEqual({ invalid: 'a wildcard is "*." before a domain, and only there' });
    expect(parseHostPattern('api.*.example.com')).toEqual({ invalid: 'a wildcard is "*." before a domain, and only there' });
    expect(parseHostPattern('*.*.example.com')).toEqual({ invalid: 'a wildcard is "*." before a domain, and only there' });
    expect(parseHostPattern('*.')).toEqual({ invalid: '"" is not a host name or IP address' });
    expect(parseHostPattern('example.com:0')).toEqual({ invalid: '"0" is not a port (1..65535)' });
    expect(parseHostPattern('example.com:http')).toEqual({ invalid: '"http" is not a port (1..65535)' });
    expect(parseHostPattern('::1')).toEqual({ invalid: '":1" is not a port (1..65535)' });
    expect(parseHostPattern('*.10.0.0.1')).toEqual({ invalid: 'an IP address has no subdomains' });
    expect(parseHostPattern('*.[::1]')).toEqual({ invalid: 'an IP address has no subdomains' });
    expect(parseHostPattern('a..b:80')).toMatchObject({ port: 80 });
  });
});
