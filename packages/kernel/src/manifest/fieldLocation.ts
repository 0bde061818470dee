/**
 * Where a field of a parsed manifest is in its TOML text, for refusals made after parsing (a handler's `admit`) to
 * name the field and its line as parse errors do. The text is kept beside the manifest, not in it: a manifest is
 * recorded in its actor's chain, its source text is not.
 */
import { createLineLocator } from './locateLine.js';
import type { Manifest } from './manifest.js';

const sources = new WeakMap<Manifest, string>();

/** Remembers the TOML text `manifest` was parsed from. */
export function rememberSource(manifest: Manifest, text: string): void {
  sources.set(manifest, text);
}

/**
 * The field at `path` of `manifest`, with its line when the manifest was parsed from text (a manifest built or copied
 * in code has none).
 * @example
 * describeField(manifest, ['handler', 2, 'path']); // 'handler[2].path (line 9)'
 */
export function describeField(manifest: Manifest, path: readonly (string | number)[]): string {
  const name = fieldName(path);
  const text = sources.get(manifest);
  const line = text === undefined ? undefined : createLineLocator(text)(path);
  return line === undefined ? name : `${name} (line ${line})`;
}

/** `['handler', 2, 'allowed_hosts']` → `handler[2].allowed_hosts`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? String(part) : `.${String(part)}`;
  }
  return name === '' ? '(manifest)' : name;
}
