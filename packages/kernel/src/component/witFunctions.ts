/** Which theater:simple functions a component declares, and how the WIT table classifies functions. */
import { WIT_INTERFACES } from '../generated/witInterfaces.js';
import type { LoadedComponent } from './componentCache.js';

/** The functions of `iface` that the component declares, as `[wit-name, js-name]`. */
function* declaredFunctions(component: LoadedComponent, iface: string): Generator<readonly [string, string]> {
  const declared = component.declarations[iface] ?? {};
  for (const [witName, jsName] of Object.entries(WIT_INTERFACES[iface]?.functions ?? {})) {
    if (jsName in declared) yield [witName, jsName];
  }
}

/** The guest-visible functions of each imported interface: JS name to WIT name. */
export function importedFunctions(component: LoadedComponent): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const iface of component.imports) {
    const functions: Record<string, string> = {};
    for (const [witName, jsName] of declaredFunctions(component, iface)) functions[jsName] = witName;
    result[iface] = functions;
  }
  return result;
}

/** The component's export functions, as `interface#wit-name`. */
export function exportedFunctions(component: LoadedComponent): Set<string> {
  const names = new Set<string>();
  for (const iface of component.exports) {
    for (const [witName] of declaredFunctions(component, iface)) names.add(`${iface}#${witName}`);
  }
  return names;
}

/** Every fallible (result-returning) function, as `interface#wit-name`. */
export function fallibleFunctions(): string[] {
  return Object.entries(WIT_INTERFACES).flatMap(([iface, { fallible }]) => fallible.map((fn) => `${iface}#${fn}`));
}

/** Functions that return nothing and cannot fail, as `interface#wit-name`: the guest need not wait for them. */
export function oneWayFunctions(): string[] {
  return Object.entries(WIT_INTERFACES).flatMap(([iface, { functions, fallible, declarations }]) =>
    Object.entries(functions)
      .filter(([wit, js]) => !fallible.includes(wit) && declarations[js]?.endsWith('): void;') === true)
      .map(([wit]) => `${iface}#${wit}`),
  );
}
