/** Manifests the suite writes as TOML, and the suite's one call of the manifest parser. */
import { parseManifest, type HandlerDefinition, type Manifest } from '@theater/kernel';

/** The name the suite's manifests are parsed under, as errors show it. */
export const CONFORMANCE_SOURCE = 'conformance.toml';

/** A manifest's TOML with `tables`, each the keys after one `[[handler]]` line. */
export function manifestText(name: string, tables: readonly string[]): string {
  return [`name = "${name}"`, 'version = "0.1.0"', 'component = "actor.wasm"', ...tables.map((table) => `[[handler]]\n${table}`)].join('\n');
}

/**
 * Parses `text` as a manifest in `baseDir` with `handlers` installed. The parser knows the built-in handlers' tables
 * by itself today; once it reads each table's schema from the handlers given, they are passed here.
 */
export function parseHandlerManifest(text: string, handlers: readonly HandlerDefinition[], baseDir: string): Manifest {
  return parseManifest(text, { baseDir, source: CONFORMANCE_SOURCE });
}
