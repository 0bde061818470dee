import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseManifest, permissionExcess as excessUnder, type Manifest } from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';

/** What the kernel finds when a supervisor spawns `child`, with every handler of this package installed. */
const permissionExcess = (child: Manifest, parent: Manifest): string[] => excessUnder(child, parent, defaultHandlers());

const manifest = (handlers: string): Manifest =>
  parseManifest(`name = "a"\nversion = "1"\ncomponent = "a.wasm"\n${handlers}`, { handlers: defaultHandlers() });

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
    [
      '[[handler]]\ntype = "environment"\nallowed_vars = ["PATH"]',
      'handler "environment": allowed_vars PATH are not visible to the parent',
    ],
    [
      '[[handler]]\ntype = "environment"\nallowed_prefixes = ["A"]',
      'handler "environment": allowed_prefixes A are not within the parent\'s',
    ],
    [
      '[[handler]]\ntype = "environment"\nallowed_vars = ["APP_SECRET"]',
      'handler "environment": allowed_vars APP_SECRET are not visible to the parent',
    ],
    [
      '[[handler]]\ntype = "environment"\nallowed_prefixes = ["APP_"]',
      'handler "environment": APP_SECRET must stay in denied_vars, as for the parent',
    ],
    ['[[handler]]\ntype = "environment"\nallow_list_all = true', 'handler "environment": allow_list_all is set, but not for the parent'],
    ['[[handler]]\ntype = "filesystem"\npath = "/"', `handler "filesystem": path / is outside the parent's ${resolve('data')}`],
    [
      '[[handler]]\ntype = "filesystem"\npath = "./data/../other"',
      `handler "filesystem": path ${resolve('other')} is outside the parent's ${resolve('data')}`,
    ],
    [
      '[[handler]]\ntype = "filesystem"\npath = "./data"\nallowed_commands = ["ls"]',
      'handler "filesystem": allowed_commands ls are not the parent\'s',
    ],
  ];
  for (const [handlers, problem] of excess) {
    it(`refuses ${problem}`, () => {
      expect(permissionExcess(manifest(handlers), parent)).toEqual([problem]);
    });
  }

  it("keeps a filesystem child inside its parent's root, and read-only where the parent is", () => {
    const readOnly = manifest('[[handler]]\ntype = "filesystem"\npath = "./data"\nread_only = true\nallowed_commands = ["ls"]');
    expect(permissionExcess(manifest('[[handler]]\ntype = "filesystem"\npath = "./data/sub"\nread_only = true'), readOnly)).toEqual([]);
    expect(permissionExcess(manifest('[[handler]]\ntype = "filesystem"\npath = "./data/sub"'), readOnly)).toEqual([
      'handler "filesystem": read_only is off, but the parent\'s files are read-only',
    ]);
    // Each root resolves against its own manifest's directory.
    const elsewhere = { ...manifest('[[handler]]\ntype = "filesystem"\npath = "data"'), baseDir: '/srv/app' };
    expect(permissionExcess(manifest(`[[handler]]\ntype = "filesystem"\npath = "/srv/app/data/x"`), elsewhere)).toEqual([]);
  });

  it("keeps a parent's secret variables secret for a child that can read them", () => {
    const secretParent = manifest('[[handler]]\ntype = "environment"\nallowed_prefixes = ["APP_"]\nsecret_vars = ["APP_KEY"]');
    const child = (grant: string) => manifest(`[[handler]]\ntype = "environment"\n${grant}`);
    expect(permissionExcess(child('allowed_vars = ["APP_KEY"]'), secretParent)).toEqual([
      'handler "environment": APP_KEY must stay in secret_vars, as for the parent',
    ]);
    expect(permissionExcess(child('allowed_prefixes = ["APP_K"]'), secretParent)).toEqual([
      'handler "environment": APP_KEY must stay in secret_vars, as for the parent',
    ]);
    expect(permissionExcess(child('allowed_vars = ["APP_KEY"]\nsecret_vars = ["APP_KEY"]'), secretParent)).toEqual([]);
    // A child that cannot read the secret need not name it; one may keep more variables secret than its parent.
    expect(permissionExcess(child('allowed_vars = ["APP_NAME"]'), secretParent)).toEqual([]);
    expect(permissionExcess(child('allowed_prefixes = ["APP_"]\ndenied_vars = ["APP_KEY"]'), secretParent)).toEqual([]);
    expect(permissionExcess(child('allowed_vars = ["APP_NAME"]\nsecret_vars = ["APP_NAME"]'), secretParent)).toEqual([]);
  });

  it("keeps a process child to its parent's programs, counts and cwd", () => {
    const held = {
      ...manifest('[[handler]]\ntype = "process"\nallowed_programs = ["echo", "cat"]\nmax_processes = 2\ncwd = "work"'),
      baseDir: '/srv/app',
    };
    const child = (options: string): Manifest => ({ ...manifest(`[[handler]]\ntype = "process"\n${options}`), baseDir: '/srv/app' });
    expect(permissionExcess(child('allowed_programs = ["cat"]\nmax_processes = 1\ncwd = "work/sub"'), held)).toEqual([]);
    expect(permissionExcess(child('allowed_programs = ["sh"]\nmax_processes = 1\ncwd = "work"'), held)).toEqual([
      'handler "process": allowed_programs sh are not the parent\'s',
    ]);
    expect(permissionExcess(child('max_processes = 3\ncwd = "work"'), held)).toEqual([
      'handler "process": max_processes 3 exceeds the parent\'s 2',
    ]);
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

  it("keeps an http-framework child within its parent's request size and server count", () => {
    const server = manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 4096\nmax_servers = 2');
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 1024\nmax_servers = 1'), server)).toEqual(
      [],
    );
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 4097\nmax_servers = 1'), server)).toEqual([
      'handler "http-framework": max_request_bytes 4097 exceeds the parent\'s 4096',
    ]);
    // The defaults (1 MiB, 4 servers) are wider than this parent's grant.
    expect(permissionExcess(manifest('[[handler]]\ntype = "http-framework"\nmax_request_bytes = 1024'), server)).toEqual([
      'handler "http-framework": max_servers 4 exceeds the parent\'s 2',
    ]);
  });

  it("lets an http-client child have hosts within its parent's, ports and wildcards included", () => {
    const client = (hosts: string): Manifest => manifest(`[[handler]]\ntype = "http-client"\nallowed_hosts = [${hosts}]`);
    const held = client('"*.example.com", "API.test.org", "db.local:5432", "*.svc.local:8080"');
    const within = [
      '"a.example.com"',
      '"*.b.example.com:443"',
      '"api.test.org"',
      '"api.test.org:8443"',
      '"db.local:5432"',
      '"x.svc.local:8080"',
    ];
    expect(permissionExcess(client(within.join(', ')), held)).toEqual([]);
    for (const wider of [
      'example.com',
      'a.example.org',
      'evilexample.com',
      'db.local',
      'db.local:5433',
      'x.svc.local',
      'x.svc.local:80',
      '*.local',
    ]) {
      expect(permissionExcess(client(`"${wider}"`), held)).toEqual([`handler "http-client": allowed_hosts ${wider} are not the parent's`]);
    }
  });

  it('compares http-client hosts as the handler matches them: normalised, and an IP never under a wildcard', () => {
    const client = (hosts: string): Manifest => manifest(`[[handler]]\ntype = "http-client"\nallowed_hosts = [${hosts}]`);
    expect(
      permissionExcess(client('"Example.COM.", "127.1", "*.b.example.com"'), client('"example.com", "127.0.0.1", "*.example.com"')),
    ).toEqual([]);
    expect(permissionExcess(client('"10.0.0.1"'), client('"*.0.1"'))).toEqual([
      'handler "http-client": allowed_hosts 10.0.0.1 are not the parent\'s',
    ]);
  });

  it("compares a process child's cwd with its parent's by real path, so a symlink out of the parent's is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'theater-excess-'));
    try {
      await mkdir(join(dir, 'pcwd', 'sub'), { recursive: true });
      await mkdir(join(dir, 'outside'));
      await symlink(join(dir, 'outside'), join(dir, 'pcwd', 'link-out'));
      await symlink(join(dir, 'pcwd', 'sub'), join(dir, 'link-in'));
      const at = (text: string): Manifest => ({ ...manifest(text), baseDir: dir });
      const held = at('[[handler]]\ntype = "process"\nallowed_programs = ["ls"]\ncwd = "./pcwd"');
      const child = (cwd: string): Manifest => at(`[[handler]]\ntype = "process"\nallowed_programs = ["ls"]\ncwd = "${cwd}"`);
      expect(permissionExcess(child('./pcwd/link-out'), held)).toEqual([
        `handler "process": cwd ${join(dir, 'pcwd', 'link-out')} leads to ${await realpath(join(dir, 'outside'))}, outside the parent's ${await realpath(join(dir, 'pcwd'))}`,
      ]);
      // A directory not made yet is judged by the part of its path that exists.
      expect(permissionExcess(child('./pcwd/sub/later'), held)).toEqual([]);
      expect(permissionExcess(child('./pcwd/link-out/later'), held)).toEqual([
        `handler "process": cwd ${join(dir, 'pcwd', 'link-out', 'later')} leads to ${join(await realpath(join(dir, 'outside')), 'later')}, outside the parent's ${await realpath(join(dir, 'pcwd'))}`,
      ]);
      await symlink(join(dir, 'nowhere'), join(dir, 'pcwd', 'dangling'));
      expect(permissionExcess(child('./pcwd/dangling'), held)).toEqual([
        `handler "process": cwd ${join(dir, 'pcwd', 'dangling')} has no real path to compare with the parent's (a symlink on it leads nowhere or loops)`,
      ]);
      // A parent whose own cwd is a symlink holds the real directory it leads to.
      const heldThroughLink = at('[[handler]]\ntype = "process"\nallowed_programs = ["ls"]\ncwd = "./link-in"');
      expect(permissionExcess(child('./link-in'), heldThroughLink)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('permissionExcess: limits and auditing', () => {
  const withLimits = (limits: string, top = ''): Manifest => manifest(`${top}\n[limits]\n${limits}`);
  const parentLimits = withLimits('memory_mb = 256\ncall_timeout_ms = 10000\ninit_timeout_ms = 20000\nmailbox = 64');

  it("accepts a child whose limits are the parent's or lower", () => {
    expect(
      permissionExcess(withLimits('memory_mb = 256\ncall_timeout_ms = 10000\ninit_timeout_ms = 20000\nmailbox = 64'), parentLimits),
    ).toEqual([]);
    expect(permissionExcess(withLimits('memory_mb = 16\ncall_timeout_ms = 1\ninit_timeout_ms = 1\nmailbox = 1'), parentLimits)).toEqual([]);
  });

  const hint = (value: number): string => `(a limit left unset takes its default; set it to at most ${value})`;
  const larger: readonly [string, string][] = [
    ['memory_mb = 512', `limits.memory_mb 512 exceeds the parent's 256 ${hint(256)}`],
    ['call_timeout_ms = 10001', `limits.call_timeout_ms 10001 exceeds the parent's 10000 ${hint(10000)}`],
    ['init_timeout_ms = 60000', `limits.init_timeout_ms 60000 exceeds the parent's 20000 ${hint(20000)}`],
    ['mailbox = 65', `limits.mailbox 65 exceeds the parent's 64 ${hint(64)}`],
  ];
  for (const [limit, problem] of larger) {
    it(`refuses ${problem.split(' (')[0]}`, () => {
      const others = 'memory_mb = 1\ncall_timeout_ms = 1\ninit_timeout_ms = 1\nmailbox = 1'
        .split('\n')
        .filter((line) => line.split(' ')[0] !== limit.split(' ')[0]);
      expect(permissionExcess(withLimits([limit, ...others].join('\n')), parentLimits)).toEqual([problem]);
    });
  }

  it('compares a limit the child leaves unset by its default, and says to set it', () => {
    expect(permissionExcess(manifest(''), parentLimits)).toEqual([
      `limits.call_timeout_ms 30000 exceeds the parent's 10000 ${hint(10000)}`,
      `limits.init_timeout_ms 60000 exceeds the parent's 20000 ${hint(20000)}`,
      `limits.mailbox 1024 exceeds the parent's 64 ${hint(64)}`,
    ]);
    expect(permissionExcess(manifest(''), manifest(''))).toEqual([]);
  });

  it('refuses an unaudited child (save_chain = false) of a parent whose chain is saved, and names every excess', () => {
    const unaudited = withLimits('mailbox = 2048', 'save_chain = false\n[[handler]]\ntype = "supervisor"');
    expect(permissionExcess(unaudited, manifest(''))).toEqual([
      'handler "supervisor", which the parent does not have',
      `limits.mailbox 2048 exceeds the parent's 1024 ${hint(1024)}`,
      "save_chain is false, but the parent's chain is saved",
    ]);
    const unsavedParent = manifest('save_chain = false');
    expect(permissionExcess(manifest('save_chain = false'), unsavedParent)).toEqual([]);
    expect(permissionExcess(manifest(''), unsavedParent)).toEqual([]);
  });
});
