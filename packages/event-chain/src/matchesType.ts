/**
 * The event-type filter shared by `theater events --type` and the server's `?type=`: one implementation, so a
 * filter selects the same events read locally or through the API.
 */

const BOUNDARIES = new Set(['.', '/', ':', '@', '#']);

/**
 * True when an event of `type` is selected by `pattern`: the exact type, a prefix of it that ends at a `.`, `/`,
 * `:`, `@` or `#` boundary (`wasm` selects `wasm.call` and `wasm.result`, `theater:simple/runtime` selects
 * `theater:simple/runtime.log`), or any prefix when the pattern ends with `*` (`wasm.c*`).
 * @example
 * matchesType('wasm.call', 'wasm'); // true
 * matchesType('wasm.callback', 'wasm.call'); // false
 */
export function matchesType(type: string, pattern: string): boolean {
  if (pattern.endsWith('*')) return type.startsWith(pattern.slice(0, -1));
  if (type === pattern) return true;
  if (pattern === '' || !type.startsWith(pattern)) return false;
  return BOUNDARIES.has(pattern.at(-1)!) || BOUNDARIES.has(type[pattern.length]!);
}

/** True when `type` is selected by any of `patterns`; an empty list selects every type. */
export function matchesAnyType(type: string, patterns: readonly string[]): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesType(type, pattern));
}
