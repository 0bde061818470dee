/**
 * Finds the executable an allowed program name stands for. A bare name is looked up in the host's `PATH`, absolute
 * entries only: a relative entry (`.`, or an empty one) would search the process's working directory, where the
 * actor's own processes may have written a file of that name. An absolute program path is taken as it is.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** The absolute path of the executable `program` names, or undefined when there is none. */
export async function findProgram(program: string, searchPath: string): Promise<string | undefined> {
  if (isAbsolute(program)) return (await isExecutableFile(program)) ? program : undefined;
  if (program === '' || program.includes('/') || program.includes('\0')) return undefined;
  for (const dir of searchPath.split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, program);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
