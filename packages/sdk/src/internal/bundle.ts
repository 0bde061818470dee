/** Bundles an actor's TypeScript or JavaScript entry into one ES module for componentize-js. */
import { dirname } from 'node:path';
import { build, formatMessages, type Message, type Metafile, type StdinOptions } from 'esbuild';
import { SdkError } from '../sdkError.js';
import { displayFile } from './displayFile.js';

/** A bundled actor: its code, the names it exports, and the `theater:simple/*` interfaces it imports and from where. */
export interface ActorBundle {
  readonly code: string;
  readonly exports: readonly string[];
  /** Each imported interface, with the source files that import it. */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/** Bundles `entry` with every import inlined except the `theater:simple/*` interfaces the component imports. */
export function bundleActor(entry: string): Promise<ActorBundle> {
  return bundle(entry, { entryPoints: [entry] });
}

/**
 * Bundles a module that re-exports the named properties `names` of `entry`'s default export: how an actor written as
 * `export default defineActor({...})` gets the named exports componentize-js looks for.
 */
export function bundleDefaultExport(entry: string, names: readonly string[]): Promise<ActorBundle> {
  const specifier = JSON.stringify(entry);
  const contents = [
    `import definition from ${specifier};`,
    // A top-level throw fails the build with this message (componentize-js runs the module once while building).
    `if (definition === null || typeof definition !== 'object') throw ${JSON.stringify(`the default export of ${entry} is not an actor: export default defineActor({ ... })`)};`,
    ...names.map((name) => `export const ${name} = definition.${name};`),
    '',
  ].join('\n');
  const stdin: StdinOptions = { contents, resolveDir: dirname(entry), sourcefile: 'theater-actor-entry.js', loader: 'js' };
  return bundle(entry, { stdin });
}

async function bundle(entry: string, input: { entryPoints: string[] } | { stdin: StdinOptions }): Promise<ActorBundle> {
  try {
    const result = await build({
      ...input,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      // Workspace packages resolve to their TypeScript source, so actors never need a prior package build.
      conditions: ['@theater/source'],
      mainFields: ['module', 'main'],
      external: ['theater:simple/*'],
      logLevel: 'silent',
      charset: 'utf8',
    });
    const [output] = result.outputFiles;
    if (output === undefined) throw new Error('esbuild produced no output');
    return { code: output.text, ...describe(result.metafile) };
  } catch (error) {
    const messages = isBuildFailure(error) ? await formatMessages(error.errors, { kind: 'error' }) : [];
    const detail = messages.length > 0 ? `:\n${messages.join('')}` : `: ${String(error)}`;
    throw new SdkError('bundle-failed', `cannot bundle ${displayFile(entry)}${detail}`, { cause: error });
  }
}

function describe(metafile: Metafile): Pick<ActorBundle, 'exports' | 'imports'> {
  const [output] = Object.values(metafile.outputs);
  const imports = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external !== true || !imported.path.startsWith('theater:simple/')) continue;
      const importers = imports.get(imported.path) ?? [];
      // esbuild names inputs relative to its working directory, which is ours.
      const importer = displayFile(file);
      if (!importers.includes(importer)) importers.push(importer);
      imports.set(imported.path, importers);
    }
  }
  return { exports: output?.exports ?? [], imports };
}

function isBuildFailure(error: unknown): error is Error & { errors: Message[] } {
  return error instanceof Error && Array.isArray((error as { errors?: unknown }).errors);
}
