/**
 * Where the benchmarks find the repository's files when they run compiled from `bench/dist/` under plain `node`:
 * paths are found from the repository root, never through `@theater/test-actors` (its entry is TypeScript only).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding `pnpm-workspace.yaml`. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: no pnpm-workspace.yaml above bench/, run it inside the repository');
    dir = parent;
  }
  return dir;
}

/** The repository root. */
export const repoRoot = findRoot();

/** A path inside the repository. */
export const repoPath = (...segments: string[]): string => join(repoRoot, ...segments);

/** The test actors the benchmarks run (built by `turbo run build:actors`). */
export type BenchActor = 'small' | 'pinger' | 'messenger' | 'echo' | 'overseer' | 'trapper';

/** Absolute path of a test actor's manifest, `test-actors/manifests/<name>.toml`. */
export const testActorManifest = (name: BenchActor): string => repoPath('test-actors', 'manifests', `${name}.toml`);
