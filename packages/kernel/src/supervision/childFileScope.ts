/**
 * Where a supervisor may load its children's files from: its own manifest's directory tree (`baseDir`), compared by
 * real path. A child's manifest file (spawned by path), its `component` and its `init_state` must each lie inside
 * that tree, or the spawn (or resume) is refused with one fixed `permission-denied` message that depends only on the
 * path as given: the same whether the file exists, is a directory, is unreadable or is not TOML, so a supervisor
 * learns nothing about anything outside its tree. A supervisor with no `baseDir` (spawned from inline TOML or an
 * object) loads no files for its children.
 *
 * The check runs before any read. A path is resolved lexically against its manifest's directory (`..` included),
 * then the real path of its deepest existing ancestor (symlinks resolved) must lie inside the real path of the
 * supervisor's directory: a symlink inside the tree that leads out of it is refused, and so is one that leads
 * nowhere (its target could be created anywhere). The file is then read by the path that was checked.
 */
import { isAbsolute, resolve } from 'node:path';
import { isInside, realLocation } from '../files/realLocation.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/manifest.js';

/** Which of a child's files a path names, as the refusal calls it. */
export type ChildFileKind = 'manifest' | 'component' | 'init_state';

/**
 * The absolute path of the child file `given` (relative to `base`, a manifest's directory), once it is known to lie
 * inside `supervisorDir`; throws a `permission-denied` KernelError otherwise.
 *
 * @example
 * const path = await childFilePath(parent.baseDir, 'manifest', 'workers/a.toml', parent.baseDir);
 * const manifest = await loadManifest(path, { handlers });
 */
export async function childFilePath(
  supervisorDir: string | undefined,
  kind: ChildFileKind,
  given: string,
  base: string | undefined,
): Promise<string> {
  return confine(supervisorDir, kind, given, against(base, given));
}

/** Checks the files `child`'s manifest names (its `component`, and its `init_state` if any) against `supervisorDir`. */
export async function confineChildFiles(child: Manifest, supervisorDir: string | undefined): Promise<void> {
  // The component is read from `componentPath` when the manifest has one, else resolved against its directory.
  await confine(supervisorDir, 'component', child.component, child.componentPath ?? against(child.baseDir, child.component));
  if (child.initState !== undefined) await childFilePath(supervisorDir, 'init_state', child.initState, child.baseDir);
}

/** `path` made absolute against `base`; undefined for a relative path with no base. */
function against(base: string | undefined, path: string): string | undefined {
  if (isAbsolute(path)) return resolve(path);
  return base === undefined ? undefined : resolve(base, path);
}

/** `path` (absolute; undefined when it cannot be told) if it really lies inside `supervisorDir`; else throws. */
async function confine(supervisorDir: string | undefined, kind: ChildFileKind, given: string, path: string | undefined): Promise<string> {
  if (supervisorDir === undefined || path === undefined) throw outside(kind, given, supervisorDir === undefined);
  const root = realLocation(supervisorDir);
  const real = realLocation(path);
  if (root === undefined || real === undefined || !isInside(real, root)) throw outside(kind, given, false);
  return path;
}

function outside(kind: ChildFileKind, given: string, noDirectory: boolean): KernelError {
  const why = noDirectory ? ' (it has none: it was not spawned from a manifest file)' : '';
  return new KernelError('permission-denied', `child ${kind} path ${JSON.stringify(given)} is outside the supervisor's directory${why}`);
}
