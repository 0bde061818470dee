/**
 * Preopens the host root in the WASI filesystem shim that jco's and componentize-js's own tools (wasm-tools, the
 * splicer: components running on `@bytecodealliance/preview2-shim`) read files through. preview2-shim 0.26.0 preopens
 * `/` by default and 0.26.1 preopens nothing, and npm may resolve either for an installed SDK, so without this a build
 * fails with `Os { code: 44, kind: NotFound }` depending on the install. Plain JavaScript: the componentize child
 * process imports it too.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Sets the preopens of the preview2-shim that the tool at the end of `packagePath` resolves to the host root.
 * Each specifier is resolved from the previous one's location (the first from the SDK), and the shim from the last,
 * so it is the module instance that tool imports, wherever npm nested it.
 * @param {readonly [string, ...string[]]} packagePath e.g. `['@bytecodealliance/jco', '@bytecodealliance/jco-transpile/wasm-tools']`
 * @returns {Promise<void>}
 */
export async function preopenHostRoot(packagePath) {
  const [first, ...rest] = packagePath;
  let location = import.meta.resolve(first);
  for (const specifier of rest) location = pathToFileURL(createRequire(location).resolve(specifier)).href;
  const shimPath = createRequire(location).resolve('@bytecodealliance/preview2-shim/filesystem');
  /** @type {{ _setPreopens: (preopens: Record<string, string>) => void }} */
  const filesystem = await import(pathToFileURL(shimPath).href);
  filesystem._setPreopens({ '/': '/' });
}
