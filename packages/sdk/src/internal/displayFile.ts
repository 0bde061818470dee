/** How the SDK names a file in its messages: relative to the working directory when inside it, else absolute. */
import { isAbsolute, relative, resolve } from 'node:path';

/** `src/index.ts` for a file under the working directory, its absolute path otherwise. */
export function displayFile(path: string): string {
  const absolute = resolve(path);
  const fromHere = relative(process.cwd(), absolute);
  return fromHere === '' || fromHere.startsWith('..') || isAbsolute(fromHere) ? absolute : fromHere;
}
