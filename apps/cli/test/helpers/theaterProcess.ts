/**
 * How a test starts `theater` as a process: the built binary (bin/run.js) when `dist/` is at least as new as every
 * source file, else the source through tsx (theaterFromSource.ts), so the tests never need a build and never run
 * a stale one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Node arguments that start `theater`, before its own argv. */
export function theaterNodeArgs(): string[] {
  const dist = join(root, 'dist', 'commands');
  if (existsSync(dist) && newest(join(root, 'dist')) >= newest(join(root, 'src'))) return [join(root, 'bin', 'run.js')];
  // tsx resolved from here, so the process may run in any directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return ['--conditions=@theater/source', `--import=${tsx}`, fileURLToPath(new URL('./theaterFromSource.ts', import.meta.url))];
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}
