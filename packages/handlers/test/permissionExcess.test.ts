import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseManifest, permissionExcess as excessUnder, type Manifest } from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';

/** What the kernel finds when a supervisor spawns `child`, with every handler of this package installed. */
const permissionExcess = (child: Manifest, parent: Manifest): string[] => excessUnder(child, parent, defaultHandlers());

const manifest = (handlers: string): Manifest => parseManifest(`name = "a"\nversion = "1"\ncomponent = "a.wasm"\n${handlers}`);

const parent = manifest(`
[[handler]]
type = "runtime"
[[handler]]
type = "timing"
min_sleep_ms = 10
max_sleep_ms = 1000
[[handler]]
type = "random"
max_bytes = 64
[[handler]]
type = "environment"
allowed_vars = ["HOME"]
allowed_prefixes = ["APP_"]
denied_vars = ["APP_SECRET"]
[[handler]]
type = "filesystem"
path = "./data"
`);

describe('permissionExcess', () => {
  it('accepts a child granted the same or less', () => {
    expect(permissionExcess(manifest(''), parent)).toEqual([]);
    expect(
      permissionExcess(
        manifest(`
[[handler]]
type = "runtime"
[[handler]]
type = "timing"
min_sleep_ms = 100
max_sleep_ms = 500
[[handler]]
type = "random"
max_bytes = 8
[[handler]]
type = "environment"
allowed_vars = ["HOME", "APP_NAME"]
allowed_prefixes = ["APP_LOG_"]
denied_vars = ["APP_SECRET"]
[[handler]]
type = "filesystem"
path = "./data"
`),
        parent,
      ),
    ).toEqual([]);
  });

  const excess: readonly [string, string][] = [
    ['[[handler]]\ntype = "supervisor"', 'handler "supervisor", which the parent does not have'],
    ['[[handler]]\ntype = "timing"\nmax_sleep_ms = 5000', 'handler "timing": sleeps of 0..5000 ms exceed the parent\'s 10..1000 ms'],
    ['[[handler]]\ntype = "random"\nmax_bytes = 65', 'handler "random": max_bytes 65 exceeds the parent\'s 64'],
    ['[[handler]]\ntype = "environment"\nallowed_vars = ["PATH"]', 'handler "environment": allowed_vars PATH are not visible to the parent'],
    ['[[handler]]\ntype = "environment"\nallowed_prefixes = ["A"]', 'handler "environment": allowed_prefixes A are not within the parent\'s'],
    ['[[handler]]\ntype = "environment"\nallowed_vars = ["APP_SECRET"]', 'handler "environment": allowed_vars APP_SECRET are not visible to the parent'],
    ['[[handler]]\ntype = "environment"\nallowed_prefixes = ["APP_"]', 'handler "environment": APP_SECRET must stay in denied_vars, as for the parent'],
    ['[[handler]]\ntype = "environment"\nallow_list_all = true', 'handler "environment": allow_list_all is set, but not for the parent'],
    ['[[handler]]\ntype = "filesystem"\npath = "/"', `handler "filesystem": path / is outside the parent's ${resolve('data')}`],
    ['[[handler]]\ntype = "filesystem"\npath = "./data/../other"', `handler "filesystem": path ${resolve('other')} is outside the parent's ${resolve('data')}`],
    ['[[handler]]\ntype = "filesystem"\npath = "./data"\nallowed_commands = ["ls"]', 'handler "filesystem": allowed_commands ls are not the parent\'s'],
  ];
  for (const [handlers, problem] of excess) {
    it(`refuses ${problem}`, () => {
      expect(permissionExcess(manifest(handlers), parent)).toEqual([problem]);
    });
  }

  it('keeps a filesystem child inside its parent\'s root, and read-only where the parent is', () => {
    const readOnly = manifest('[[handler]]\ntype = "filesystem"\npath = "./data"\nread_only = true\nallowed_commands = ["ls"]');
    expect(permissionExcess(manifest('[[handler]]\ntype = "filesystem"\npath = "./data/sub"\nread_only = true'), readOnly)).toEqual([]);
    expect(permissionExcess(manifest('[[handler]]\ntype = "filesystem"\npath = "./data/sub"'), readOnly)).toEqual([
      'handler "filesystem": read_only is off, but the parent\'s files are read-only',
    ]);
    // Each root resolves against its own manifest's directory.
    const elsewhere = { ...manifest('[[handler]]\ntype = "filesystem"\npath = "data"'), baseDir: '/srv/app' };
    expect(permissionExcess(manifest(`[[handler]]\ntype = "filesystem"\npath = "/srv/app/data/x"`), elsewhere)).toEqual([]);
  });

  it('keeps a process child to its parent\'s programs, counts and cwd', () => {
    const held = { ...manifest('[[handler]]\ntype = "process"\nallowed_programs = ["echo", "cat"]\nmax_processes = 2\ncwd = "work"'), baseDir: '/srv/app' };
    const child = (options: string): Manifest => ({ ...manifest(`[[handler]]\ntype = "process"\n${options}`), baseDir: '/srv/app' });
    expect(permissionExcess(child('allowed_programs = ["cat"]\nmax_processes = 1\ncwd = "work/sub"'), held)).toEqual([]);
    expect(permissionExcess(child('allowed_programs = ["sh"]\nmax_processes = 1\ncwd = "work"'), held)).toEqual([
      'handler "process": allowed_programs sh are not the parent\'s',
    ]);
    expect(permissionExcess(child('max_processes = 3\ncwd = "work"'), held)).toEqual(['handler "process": max_processes 3 exceeds the parent\'s 2']);
    expect(permissionExcess(child('max_processes = 1'), held)).toEqual([
      'handler "process": it sets no cwd, but the parent\'s processes are confined to /srv/app/work',
    ]);
    expect(permissionExcess(child('max_processes = 1\ncwd = "elsewhere"'), held)).toEqual([
      'handler "process": cwd /srv/app/elsewhere is outside the parent\'s /srv/app/work',
    ]);
    const privateDir = manifest('[[handler]]\ntype = "process"\nallowed_programs = ["echo"]');
    expect(permissionExcess(manifest('[[handler]]\ntype = "process"\ncwd = "/tmp"'), privateDir)).toEqual([
      'handler "process": cwd /tmp is set, but the parent\'s processes run in a private directory',
    ]);
  });

  it('keeps an http-framework child within its parent\'s request size and server count', () => {
    const server = manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 4096\nmax_servers = 2');
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 1024\nmax_servers = 1'), server)).toEqual([]);
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 4097\nmax_servers = 1'), server)).toEqual([
      'handler "http-framework": max_request_bytes 4097 exceeds the parent\'s 4096',
    ]);
    // The defaults (1 MiB, 4 servers) are wider than this parent's grant.
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 1024'), server)).toEqual([
      'handler "http-framework": max_servers 4 exceeds the parent\'s 2',
    ]);
  });

  it('lets an http-client child have hosts within its parent\'s, ports and wildcards included', () => {
    const client = (hosts: string): Manifest => manifest(`[[handler]]\ntype = "http-client"\nallowed_hosts = [${hosts}]`);
    const held = client('"*.example.com", "API.test.org", "db.local:5432", "*.svc.local:8080"');
    const within = ['"a.example.com"', '"*.b.example.com:443"', '"api.test.org"', '"api.test.org:8443"', '"db.local:5432"', '"x.svc.local:8080"'];
    expect(permissionExcess(client(within.join(', ')), held)).toEqual([]);
    for (const wider of ['example.com', 'a.example.org', 'evilexample.com', 'db.local', 'db.local:5433', 'x.svc.local', 'x.svc.local:80', '*.local']) {
      expect(permissionExcess(client(`"${wider}"`), held)).toEqual([`handler "http-client": allowed_hosts ${wider} are not the parent's`]);
    }
  });

  it('compares http-client hosts as the handler matches them: normalised, and an IP never under a wildcard', () => {
    const client = (hosts: string): Manifest => manifest(`[[handler]]\ntype = "http-client"\nallowed_hosts = [${hosts}]`);
    expect(permissionExcess(client('"Example.COM.", "127.1", "*.b.example.com"'), client('"example.com", "127.0.0.1", "*.example.com"'))).toEqual([]);
    expect(permissionExcess(client('"10.0.0.1"'), client('"*.0.1"'))).toEqual(['handler "http-client": allowed_hosts 10.0.0.1 are not the parent\'s']);
  });
});
