/**
 * Where `theater build` writes a component by default: the manifest's `component` path, but only where a build may
 * write. A cloned project's manifest is otherwise the one way to make a build overwrite any file the user can write
 * (`component = "~/.bashrc"`, `"src/index.ts"`), so the path must lie inside the manifest's directory (by real path,
 * symlinks resolved), end in `.wasm`, and not be an existing non-regular file.
 */
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isInside, realLocation, type Manifest } from '@theater/kernel';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/** The manifest's component path when a build may write it; a `CommandFailure` (`invalid-output`) when not. */
export async function manifestOutput(manifest: Manifest, source: string): Promise<string | undefined> {
  const path = manifest.componentPath;
  if (path === undefined) return undefined; // a reference such as `store:…`: nothing to write to
  const refuse = (why: string): CommandFailure => {
    const message = `the manifest's component ${manifest.component} (${source}) ${why}; give the output file with --out`;
    return new CommandFailure(EXIT.badInput, [`invalid-output: ${message}`], { error: { code: 'invalid-output', message } });
  };
  if (!path.endsWith('.wasm')) throw refuse('does not end in .wasm');
  const real = realLocation(path);
  const root = realLocation(dirname(source));
  if (real === undefined || root === undefined || !isInside(real, root)) throw refuse("is outside the manifest's directory");
  const stats = await lstat(path).catch(() => undefined);
  if (stats !== undefined && !stats.isFile()) throw refuse('exists and is not a regular file');
  return path;
}
