/**
 * The world an actor needs, derived from the handlers its manifest grants: from the same fields (each handler's
 * `provides` and `requiredExports`) that `checkCompatibility` checks a component against, so what `theater build`
 * builds and what the kernel admits cannot drift apart; plus each handler's `optionalExports`.
 */
import { toHandlerRegistry, type HandlerSource } from '../handlerRegistry.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';

/** Interfaces (`theater:simple/<name>`) an actor imports and exports, besides `theater:simple/actor`. */
export interface ManifestWorld {
  /** Every interface the granted handlers provide. */
  readonly imports: readonly string[];
  /** Every interface a granted handler requires the actor to export. */
  readonly exports: readonly string[];
  /** Interfaces a granted handler calls only when the actor exports them (its `optionalExports`). */
  readonly optionalExports: readonly string[];
}

/** The world of an actor granted `manifest`'s handlers; `unknown-handler` for a type none of `handlers` defines. */
export function manifestWorld(manifest: Pick<Manifest, 'handlers'>, handlers: HandlerSource): ManifestWorld {
  const registry = toHandlerRegistry(handlers);
  const imports = new Set<string>();
  const exports = new Set<string>();
  const optional = new Set<string>();
  for (const { type } of manifest.handlers) {
    const handler = registry.get(type);
    if (handler === undefined) throw new KernelError('unknown-handler', `no "${type}" handler is installed`);
    for (const name of handler.provides) imports.add(name);
    for (const name of Object.keys(handler.requiredExports)) exports.add(name);
    for (const name of handler.optionalExports ?? []) optional.add(name);
  }
  const sorted = (names: Set<string>): string[] => [...names].sort();
  return { imports: sorted(imports), exports: sorted(exports), optionalExports: sorted(optional).filter((name) => !exports.has(name)) };
}
