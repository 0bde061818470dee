/**
 * Where a path really leads, and whether it lies inside a directory: the comparison behind every confinement by real
 * path (a supervisor's children's files, a child's filesystem root and process cwd against its parent's). A path
 * compared this way may not exist yet, so its real location is the real path of its longest existing prefix (every
 * symlink resolved) joined with the rest: the existing part is what a symlink could lead elsewhere. Synchronous:
 * `HandlerDefinition.excess` is, and spawning is not a hot path.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/**
 * The real location of the absolute `path`, or undefined when it cannot be told: a symlink on it leads nowhere (its
 * target could be created anywhere) or loops, or the disk refuses to say (no permission, a NUL byte in the name).
 * @example
 * realLocation('/srv/app/link-out/later'); // '/elsewhere/later' when link-out → /elsewhere and later does not exist
 */
export function realLocation(path: string): string | undefined {
  const missing: string[] = [];
  for (let candidate = resolve(path); ; candidate = dirname(candidate)) {
    try {
      return join(realpathSync(candidate), ...missing);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      // Anything but absence leaves the location unknown: the caller refuses it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      if (isSymlink(candidate)) return undefined;
      if (dirname(candidate) === candidate) return undefined;
      missing.unshift(basename(candidate));
    }
  }
}

/** A path under a file (ENOTDIR) is no symlink either: only a missing or a dangling entry gets here. */
function isSymlink(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
}

/**
 * True when the absolute, normalised `path` is `root` or lies under it (compare real locations, not names).
 * @example
 * isInside('/srv/app/data', '/srv/app'); // true; isInside('/srv/application', '/srv/app') is false
 */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
