/** The WIT of a derived world: the package's own files plus one generated file declaring the world. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { qualifiedInterface, WIT_PACKAGE, type DerivedWorld } from '../actorWorld.js';
import { SdkError } from '../sdkError.js';
import type { WitFile } from './witFiles.js';

/** The name of every derived world (one per build, in its own WIT folder). */
export const DERIVED_WORLD_NAME = 'theater-actor';

const ACTOR = `${WIT_PACKAGE}/actor`;

/** A derived world resolved to qualified names, with the optional exports the actor implements already chosen. */
export interface ResolvedWorld {
  readonly imports: readonly string[];
  readonly exports: readonly string[];
}

/** Qualifies and de-duplicates a derived world's names; `implemented` decides each optional export. */
export function resolveDerivedWorld(world: DerivedWorld, implemented: (iface: string) => boolean): ResolvedWorld {
  const unique = (names: readonly string[]): string[] => [...new Set(names.map(qualifiedInterface))].sort();
  const optional = unique(world.optionalExports ?? []).filter(implemented);
  return { imports: unique(world.imports), exports: unique([ACTOR, ...world.exports, ...optional]) };
}

/**
 * The generated `.wit` file declaring `world`. Throws `invalid-world` for an interface the WIT does not declare or
 * from another package: componentize-js would otherwise fail later with a less direct message.
 */
export function derivedWorldFile(world: ResolvedWorld, witFiles: readonly WitFile[]): WitFile {
  const declared = new Set(
    witFiles.flatMap((file) =>
      [...file.text.matchAll(/^\s*interface\s+([a-z0-9-]+)\s*\{/gmu)].map((match) => `${WIT_PACKAGE}/${match[1]!}`),
    ),
  );
  const unknown = [...world.imports, ...world.exports].filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new SdkError('invalid-world', `the world names ${unknown.join(', ')}, which the ${WIT_PACKAGE} WIT does not declare`);
  }
  const local = (name: string): string => name.slice(WIT_PACKAGE.length + 1);
  const text = [
    `package ${WIT_PACKAGE};`,
    '',
    '/// Derived by the Theater SDK from the capabilities the actor is granted.',
    `world ${DERIVED_WORLD_NAME} {`,
    ...world.imports.map((name) => `  import ${local(name)};`),
    ...world.exports.map((name) => `  export ${local(name)};`),
    '}',
    '',
  ].join('\n');
  return { path: `${DERIVED_WORLD_NAME}.wit`, text };
}

/** Writes `files` into a new temporary folder (for jco and componentize-js, which read WIT from disk). */
export async function writeWitFolder(files: readonly WitFile[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'theater-wit-'));
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
  return dir;
}
