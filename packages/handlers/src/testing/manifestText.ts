/** Manifests the suite writes as TOML or reads from files, through the suite's one call of the manifest parser. */
import { loadManifest, parseManifest, type HandlerDefinition, type Manifest } from '@theater/kernel';

/** The name the suite's own manifests are parsed under, as errors show it. */
export const CONFORMANCE_SOURCE = 'conformance.toml';

/** A manifest's TOML with `tables`, each the keys after one `[[handler]]` line. */
export function manifestText(name: string, tables: readonly string[]): string {
  return [`name = "${name}"`, 'version = "0.1.0"', 'component = "actor.wasm"', ...tables.map((table) => `[[handler]]\n${table}`)].join(
    '\n',
  );
}

/** Parses `text` as a manifest with `handlers` installed (each table is checked by its handler's schema); relative paths resolve against `baseDir`. */
export function parseHandlerManifest(
  text: string,
  options: { readonly handlers: readonly HandlerDefinition[]; readonly baseDir: string; readonly source: string },
): Manifest {
  return parseManifest(text, { handlers: options.handlers, baseDir: options.baseDir, source: options.source });
}

/** Reads the manifest file at `path` and parses it with `handlers` installed. */
export function loadHandlerManifest(path: string, handlers: readonly HandlerDefinition[]): Promise<Manifest> {
  return loadManifest(path, { handlers });
}
