/** Paths as a person reads them in command output. */
import { isAbsolute, relative } from 'node:path';

/** The path relative to the working directory when it lies below it, else absolute. */
export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}
