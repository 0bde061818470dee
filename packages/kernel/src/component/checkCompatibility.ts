/**
 * Compares a component's imports and exports with what the actor's granted handlers provide and require, before
 * anything is instantiated: every import must come from a granted handler with the exact WIT types, and every
 * export a handler needs must be there with the exact WIT types.
 */
import type { HandlerDefinition } from '../handler.js';
import type { HandlerRegistry } from '../handlerRegistry.js';
import { KernelError } from '../kernelError.js';
import type { LoadedComponent } from './componentCache.js';
import { toJsName } from './interfaceDeclarations.js';

/** The interface every actor exports (`init`). */
export const ACTOR_INTERFACE = 'theater:simple/actor';

/** Throws a KernelError naming the first import or export that does not fit the granted handlers. */
export function checkCompatibility(component: LoadedComponent, granted: readonly HandlerDefinition[], known: HandlerRegistry): void {
  const ungranted = component.imports.filter((name) => !granted.some((handler) => handler.provides.includes(name)));
  if (ungranted.length > 0) {
    const hint = (name: string): string => {
      const provider = known.providerOf(name);
      return provider === undefined ? 'no handler provides it' : `grant it with [[handler]] type = "${provider.type}"`;
    };
    // Every refused import is named, so one fix-and-retry round is enough.
    const [only] = ungranted;
    throw new KernelError(
      'import-not-granted',
      ungranted.length === 1
        ? `the component imports ${only}, which its manifest does not grant (${hint(only!)})`
        : `the component imports ${ungranted.length} interfaces its manifest does not grant: ${ungranted.map((name) => `${name} (${hint(name)})`).join(', ')}`,
    );
  }
  // Every interface the component names (imported, exported or used for types) must match the registry's exactly.
  for (const [name, declarations] of Object.entries(component.declarations)) {
    const reference = known.interfaces[name];
    const exported = component.exports.includes(name);
    const code = exported ? 'export-mismatch' : 'import-mismatch';
    if (reference === undefined) {
      if (exported) continue; // extra exports of other packages are never called
      throw new KernelError('import-not-granted', `the component uses ${name}, which no handler of this actor system provides`);
    }
    for (const [item, declaration] of Object.entries(declarations)) {
      const expected = reference.declarations[item];
      if (expected === undefined) {
        throw new KernelError(code, `${name}#${item} is not part of ${name}`);
      }
      if (expected !== declaration) {
        throw new KernelError(code, `${name}#${item} has the wrong type: expected \`${expected}\`, found \`${declaration}\``);
      }
    }
  }
  requireExport(component, ACTOR_INTERFACE, Object.keys(known.interfaces[ACTOR_INTERFACE]?.functions ?? {}), 'every actor');
  for (const handler of granted) {
    for (const [name, functions] of Object.entries(handler.requiredExports)) {
      requireExport(component, name, functions, `the ${handler.type} handler`);
    }
  }
}

function requireExport(component: LoadedComponent, name: string, functions: readonly string[], who: string): void {
  if (!component.exports.includes(name)) {
    throw new KernelError('export-missing', `the component does not export ${name}, which ${who} requires`);
  }
  const declarations = component.declarations[name] ?? {};
  for (const fn of functions) {
    if (!(toJsName(fn) in declarations)) {
      throw new KernelError('export-missing', `the component's ${name} export lacks ${fn}, which ${who} requires`);
    }
  }
}
