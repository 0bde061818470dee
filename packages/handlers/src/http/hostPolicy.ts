/**
 * Which hosts an `http-client` grant reaches. An `allowed_hosts` entry is one of:
 *
 * - `example.com`, `127.0.0.1`, `[::1]`: that host exactly, on any port;
 * - `example.com:8080`: that host on that port only (a URL without a port has its scheme's default, 80 or 443);
 * - `*.example.com` (optionally `:port`): every subdomain of example.com at any depth, but not example.com itself.
 *
 * Names compare case-insensitively, after the WHATWG URL parser has normalised both sides (IDN to punycode, IPv4
 * forms such as `127.1` to `127.0.0.1`) and one trailing dot is dropped. IPv6 addresses need their brackets. IP
 * addresses have no subdomains, so a wildcard never matches one. The check is on the name in the URL, not on the
 * address it resolves to. No entries allow no host.
 */
import { isIP } from 'node:net';

/** One parsed `allowed_hosts` entry. */
export interface HostPattern {
  /** The normalised host name or address (IPv6 in brackets), or for a wildcard the domain below it. */
  readonly host: string;
  readonly subdomains: boolean;
  /** The only port allowed, or undefined for any. */
  readonly port: number | undefined;
}

/** Parses an `allowed_hosts` entry, or says why it is not one. */
export function parseHostPattern(entry: string): HostPattern | { readonly invalid: string } {
  if (/[\s/\\?#@%]/u.test(entry)) return { invalid: 'a host has no scheme, path, user info or spaces' };
  const subdomains = entry.startsWith('*.');
  const rest = subdomains ? entry.slice(2) : entry;
  if (rest.includes('*')) return { invalid: 'a wildcard is "*." before a domain, and only there' };
  const split = splitPort(rest);
  if (typeof split === 'string') return { invalid: split };
  const host = normalisedHost(split.host);
  if (host === undefined) return { invalid: `"${split.host}" is not a host name or IP address` };
  if (subdomains && isAddress(host)) return { invalid: 'an IP address has no subdomains' };
  return { host, subdomains, port: split.port };
}

/** True when `pattern` allows `url` (an http: or https: URL). */
export function hostMatches(pattern: HostPattern, url: URL): boolean {
  if (pattern.port !== undefined && pattern.port !== portOf(url)) return false;
  const host = withoutTrailingDot(url.hostname);
  if (!pattern.subdomains) return host === pattern.host;
  return !isAddress(host) && host.endsWith(`.${pattern.host}`);
}

/** True when every host and port `wanted` allows, `held` allows too. */
export function patternCovers(held: HostPattern, wanted: HostPattern): boolean {
  if (held.port !== undefined && held.port !== wanted.port) return false;
  if (!held.subdomains) return !wanted.subdomains && wanted.host === held.host;
  return wanted.host.endsWith(`.${held.host}`) || (wanted.subdomains && wanted.host === held.host);
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function isAddress(host: string): boolean {
  return host.startsWith('[') || isIP(host) !== 0;
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function splitPort(entry: string): { host: string; port: number | undefined } | string {
  // An IPv6 address holds colons of its own, so its port comes after the closing bracket.
  const close = entry.startsWith('[') ? entry.indexOf(']') : -1;
  const colon = entry.indexOf(':', close + 1);
  if (colon === -1) return { host: entry, port: undefined };
  const host = entry.slice(0, colon);
  const port = entry.slice(colon + 1);
  if (!/^[0-9]{1,5}$/u.test(port) || Number(port) < 1 || Number(port) > 65_535) return `"${port}" is not a port (1..65535)`;
  return { host, port: Number(port) };
}

/** The host as the URL parser normalises it, or undefined when `host` is not a bare host. */
function normalisedHost(host: string): string | undefined {
  if (host === '') return undefined;
  let url: URL;
  try {
    url = new URL(`http://${host}/`);
  } catch {
    return undefined;
  }
  if (url.port !== '' || url.pathname !== '/' || url.hostname === '') return undefined;
  return withoutTrailingDot(url.hostname);
}
