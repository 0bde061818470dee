import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../src/manifest/index.js';
import { permissionExcess } from '../src/permissions/permissionExcess.js';

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
    ['[[handler]]\ntype = "filesystem"\npath = "/"', 'handler "filesystem": its settings differ from every one the parent holds'],
  ];
  for (const [handlers, problem] of excess) {
    it(`refuses ${problem}`, () => {
      expect(permissionExcess(manifest(handlers), parent)).toEqual([problem]);
    });
  }
});
