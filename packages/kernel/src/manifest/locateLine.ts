/**
 * Finds the line of a manifest field in the TOML text, so problems can say where they are. A line-by-line scan of
 * table headers and `key =` lines: good enough for manifests, and it only ever adds a hint.
 */

const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const DOTTED_KEY = String.raw`${KEY_PART}(?:\s*\.\s*${KEY_PART})*`;
const ARRAY_HEADER = new RegExp(String.raw`^\s*\[\[\s*(${DOTTED_KEY})\s*\]\]`);
const TABLE_HEADER = new RegExp(String.raw`^\s*\[\s*(${DOTTED_KEY})\s*\]`);
const KEY_VALUE = new RegExp(String.raw`^\s*(${DOTTED_KEY})\s*=`);
const KEY_PARTS = new RegExp(KEY_PART, 'g');

/** Returns the 1-based line of the most specific part of `path` found in `text`, if any. */
export type LineLocator = (path: readonly PropertyKey[]) => number | undefined;

/** Indexes `text` once; the locator then answers for any field path (`['handler', 2, 'allowed_hosts', 0]`). */
export function createLineLocator(text: string): LineLocator {
  const lines = new Map<string, number>();
  const arrayLengths = new Map<string, number>();
  let table: string[] = [];
  let inMultiline: '"""' | "'''" | undefined;
  const remember = (path: readonly string[], line: number): void => {
    const key = path.join('\0');
    if (!lines.has(key)) lines.set(key, line);
  };

  text.split(/\r?\n/).forEach((content, index) => {
    const line = index + 1;
    if (inMultiline !== undefined) {
      if (count(content, inMultiline) % 2 === 1) inMultiline = undefined;
      return;
    }
    const arrayHeader = ARRAY_HEADER.exec(content);
    const tableHeader = arrayHeader === null ? TABLE_HEADER.exec(content) : null;
    if (arrayHeader?.[1] !== undefined) {
      const keys = splitKey(arrayHeader[1]);
      const position = arrayLengths.get(keys.join('.')) ?? 0;
      arrayLengths.set(keys.join('.'), position + 1);
      table = [...withArrayIndexes(keys, arrayLengths), String(position)];
      remember(table, line);
      return;
    }
    if (tableHeader?.[1] !== undefined) {
      table = withArrayIndexes(splitKey(tableHeader[1]), arrayLengths);
      remember(table, line);
      return;
    }
    const keyValue = KEY_VALUE.exec(content);
    if (keyValue?.[1] === undefined) return;
    remember([...table, ...splitKey(keyValue[1])], line);
    for (const delimiter of ['"""', "'''"] as const) {
      if (count(content, delimiter) % 2 === 1) inMultiline = delimiter;
    }
  });

  return (path) => {
    const parts = path.map(String);
    for (let length = parts.length; length > 0; length--) {
      const line = lines.get(parts.slice(0, length).join('\0'));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** `[handler.sub]` after `[[handler]]` refers to the last handler: insert its index. */
function withArrayIndexes(keys: readonly string[], arrayLengths: ReadonlyMap<string, number>): string[] {
  const result: string[] = [];
  keys.forEach((key, index) => {
    result.push(key);
    const length = arrayLengths.get(keys.slice(0, index + 1).join('.'));
    if (length !== undefined && index < keys.length - 1) result.push(String(length - 1));
  });
  return result;
}

function splitKey(dotted: string): string[] {
  return (dotted.match(KEY_PARTS) ?? []).map(unquote);
}

function unquote(part: string): string {
  if (part.startsWith("'")) return part.slice(1, -1);
  if (!part.startsWith('"')) return part;
  try {
    return JSON.parse(part) as string;
  } catch {
    return part.slice(1, -1);
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
