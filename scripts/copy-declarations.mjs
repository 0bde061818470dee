// Copies a package's generated declarations (`src/generated/**/*.d.ts`) into `dist/generated/`, run after `tsc` in
// each package's build: tsc emits declarations only for the files it compiles and never copies `.d.ts` sources, so
// without this `dist/*.d.ts` would import generated types that are not in the published package.
// Usage (from a package folder): `node ../../scripts/copy-declarations.mjs`. A package with no src/generated is fine.
import { cp, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const source = resolve('src/generated');
const target = resolve('dist/generated');

let entries;
try {
  entries = await readdir(source, { recursive: true, withFileTypes: true });
} catch (error) {
  if (error?.code === 'ENOENT') process.exit(0);
  throw error;
}
const declarations = entries
  .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
  .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
await Promise.all(declarations.map((file) => cp(file, join(target, file.slice(source.length + 1)))));
console.log(`copied ${declarations.length} declaration files to ${target}`);
