/**
 * Where a path really leads, for comparing a child's grant with its parent's at spawn (`HandlerDefinition.excess`,
 * which is synchronous: spawning is not a hot path). A grant's directory may not exist yet, so this is the real path
 * of the path's longest existing prefix (every symlink resolved) joined with the rest: the existing part is what a
 * symlink could lead elsewhere. Compare the results with `isInside` (verifiedHandle.ts), as every confinement does.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errorCode } from './verifiedHandle.js';

/**
 * The real location of the absolute `path`, or undefined when it cannot be told: a symlink on it leads nowhere (its
 * target could be created anywhere) or loops, or the disk refuses to say.
 * @example
 * realLocation('/srv/app/link-out/later'); // '/elsewhere/later' when link-out → /elsewhere and later does not exist
 */
export function realLocation(path: string): string | undefined {
  const missing: string[] = [];
  for (let candidate = resolve(path); ; candidate = dirname(candidate)) {
    try {
      return join(realpathSync(candidate), ...missing);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      if (lstatSync(candidate, { throwIfNoEntry: false })?.isSymbolicLink() === true) return undefined;
      if (dirname(candidate) === candidate) return undefined;
      missing.unshift(basename(candidate));
    }
  }
}
