/** Reads the version of an installed dependency, even one whose `exports` hide its package.json. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const versions = new Map<string, string>();

/** The `version` field of the named dependency as Node would resolve it from this package. */
export function packageVersion(name: string): string {
  const known = versions.get(name);
  if (known !== undefined) return known;
  // `require.resolve(name + '/package.json')` fails for packages whose `exports` omit it, so walk Node's own
  // lookup paths instead.
  for (const dir of require.resolve.paths(name) ?? []) {
    try {
      const { version } = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof version === 'string') {
        versions.set(name, version);
        return version;
      }
    } catch {
      // Not installed in this node_modules folder; try the next one.
    }
  }
  throw new Error(`cannot find the installed version of ${name}`);
}
