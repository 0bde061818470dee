/** Manifests the suite writes as TOML or reads from files, through the suite's one call of the manifest parser. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseManifest, type HandlerDefinition, type Manifest } from '@theater/kernel';

/** The name the suite's own manifests are parsed under, as errors show it. */
export const CONFORMANCE_SOURCE = 'conformance.toml';

/** A manifest's TOML with `tables`, each the keys after one `[[handler]]` line. */
export function manifestText(name: string, tables: readonly string[]): string {
  return [`name = "${name}"`, 'version = "0.1.0"', 'component = "actor.wasm"', ...tables.map((table) => `[[handler]]\n${table}`)].join('\n');
}

/**
 * Parses `text` as a manifest with `handlers` installed; relative paths resolve against `baseDir`. The parser knows
 * the built-in handlers' tables by itself today; once it reads each table's schema from the handlers given, they are
 * passed to it here.
 */
export function parseHandlerManifest(text: string, options: { readonly handlers: readonly HandlerDefinition[]; readonly baseDir: string; readonly source: string }): Manifest {
  return parseManifest(text, { baseDir: options.baseDir, source: options.source });
}

/** Reads the manifest file at `path` and parses it with `handlers` installed. */
export async function loadHandlerManifest(path: string, handlers: readonly HandlerDefinition[]): Promise<Manifest> {
  const text = await readFile(path, 'utf8');
  return parseHandlerManifest(text.replace(/^\uFEFF/, ''), { handlers, baseDir: dirname(resolve(path)), source: path });
}
