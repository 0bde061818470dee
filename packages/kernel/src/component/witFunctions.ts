/**
 * Which functions a component declares, and how the WIT table classifies functions: the table of an actor system's
 * registry (`HandlerRegistry.interfaces`: theater:simple's and those its handlers bring).
 */
import type { WitInterface } from '../generated/witInterfaces.js';
import type { LoadedComponent } from './componentCache.js';

/** The functions of `iface` that the component declares, as `[wit-name, js-name]`. */
/** The WIT interfaces known to an actor system, by name. */
export type WitTable = Readonly<Record<string, WitInterface>>;

function* declaredFunctions(component: LoadedComponent, iface: string, table: WitTable): Generator<readonly [string, string]> {
  const declared = component.declarations[iface] ?? {};
  for (const [witName, jsName] of Object.entries(table[iface]?.functions ?? {})) {
    if (jsName in declared) yield [witName, jsName];
  }
}

/** The guest-visible functions of each imported interface: JS name to WIT name. */
export function importedFunctions(component: LoadedComponent, table: WitTable): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const iface of component.imports) {
    const functions: Record<string, string> = {};
    for (const [witName, jsName] of declaredFunctions(component, iface, table)) functions[jsName] = witName;
    result[iface] = functions;
  }
  return result;
}

/** The component's export functions, as `interface#wit-name`. */
export function exportedFunctions(component: LoadedComponent, table: WitTable): Set<string> {
  const names = new Set<string>();
  for (const iface of component.exports) {
    for (const [witName] of declaredFunctions(component, iface, table)) names.add(`${iface}#${witName}`);
  }
  return names;
}

/** Every fallible (result-returning) function, as `interface#wit-name`. */
export function fallibleFunctions(table: WitTable): string[] {
  return Object.entries(table).flatMap(([iface, { fallible }]) => fallible.map((fn) => `${iface}#${fn}`));
}

/** Functions that return nothing and cannot fail, as `interface#wit-name`: the guest need not wait for them. */
export function oneWayFunctions(table: WitTable): string[] {
  return Object.entries(table).flatMap(([iface, { functions, fallible, declarations }]) =>
    Object.entries(functions)
      .filter(([wit, js]) => !fallible.includes(wit) && declarations[js]?.endsWith('): void;') === true)
      .map(([wit]) => `${iface}#${wit}`),
  );
}
