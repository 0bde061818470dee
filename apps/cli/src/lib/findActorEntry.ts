/** Finds the source file `theater build` compiles in an actor directory. */
import { readdir } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { isDirectory, isFile } from './fileKind.js';

const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.wat']);
const INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs', 'index.wat'];

/**
 * The actor's entry: `entry` (relative to `dir`) when given, else `src/index.*`, else the only source file in `src/`.
 * Throws a {@link CommandFailure} (bad input) when there is none or the choice is ambiguous.
 */
export async function findActorEntry(dir: string, entry?: string): Promise<string> {
  if (!(await isDirectory(dir))) throw badInput(`no actor directory at ${dir}`);
  if (entry !== undefined) {
    const path = isAbsolute(entry) ? entry : resolve(dir, entry);
    if (!(await isFile(path))) throw badInput(`no entry file at ${path}`);
    if (!SOURCE_EXTENSIONS.has(extname(path)))
      throw badInput(`expected an entry ending in ${[...SOURCE_EXTENSIONS].join(', ')}, got ${path}`);
    return path;
  }
  const srcDir = join(dir, 'src');
  const files = (await isDirectory(srcDir)) ? await readdir(srcDir) : [];
  const index = INDEX_FILES.find((file) => files.includes(file));
  if (index !== undefined) return join(srcDir, index);
  const sources = files.filter((file) => SOURCE_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts')).sort();
  const [only] = sources;
  if (only !== undefined && sources.length === 1) return join(srcDir, only);
  if (sources.length === 0) throw badInput(`no actor source in ${srcDir} (expected src/index.ts or one src/*.ts file; or pass --entry)`);
  throw badInput(`several sources in ${srcDir} (${sources.join(', ')}); choose one with --entry`);
}

function badInput(message: string): CommandFailure {
  return new CommandFailure(EXIT.badInput, [message], { error: { code: 'entry-not-found', message } });
}
