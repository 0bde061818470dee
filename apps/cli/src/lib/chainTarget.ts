/** How chain commands tell a chain file from an actor id given as the same argument. */
import { stat } from 'node:fs/promises';

/**
 * Whether the argument names a chain file rather than an actor id: something exists at that path, or it contains a
 * path separator, or it ends with `.chain`.
 */
export async function isChainFile(target: string): Promise<boolean> {
  if (/[\\/]/u.test(target) || target.endsWith('.chain')) return true;
  try {
    await stat(target);
    return true;
  } catch (error) {
    // Something is there that cannot be examined: reading it as a file reports why.
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}
