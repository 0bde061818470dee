// `pnpm fuzz`: runs every *.fuzz.test.ts with many cases (THEATER_FUZZ_RUNS, default 2000) from one seed
// (THEATER_FUZZ_SEED, default a fresh one), package by package, and prints the seed that reproduces a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const runs = process.env.THEATER_FUZZ_RUNS || '2000';
const seed = process.env.THEATER_FUZZ_SEED || String((Math.random() * 0x7fffffff) | 0);
const roots = [...['packages', 'apps'].flatMap((dir) => readdirSync(dir).map((name) => join(dir, name))), 'integration'];
const hasFuzzTests = (root) =>
  existsSync(join(root, 'test')) &&
  readdirSync(join(root, 'test'), { recursive: true }).some((file) => String(file).endsWith('.fuzz.test.ts'));

console.log(`fuzz: THEATER_FUZZ_RUNS=${runs} THEATER_FUZZ_SEED=${seed}`);
const failed = [];
for (const root of roots.filter(hasFuzzTests)) {
  console.log(`\nfuzz: ${root}`);
  // Extra arguments (e.g. a file filter) go to vitest; many cases take longer than the usual per-test timeout.
  const result = spawnSync(
    'pnpm',
    ['exec', 'vitest', 'run', '--testTimeout=0', ...(process.argv.length > 2 ? process.argv.slice(2) : ['.fuzz.test.ts'])],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, THEATER_FUZZ_RUNS: runs, THEATER_FUZZ_SEED: seed },
    },
  );
  if (result.status !== 0) failed.push(root);
}
console.log(
  `\nfuzz: ${failed.length === 0 ? 'all passed' : `failed in ${failed.join(', ')}`}; reproduce with THEATER_FUZZ_SEED=${seed} THEATER_FUZZ_RUNS=${runs} pnpm fuzz`,
);
process.exit(failed.length === 0 ? 0 : 1);
