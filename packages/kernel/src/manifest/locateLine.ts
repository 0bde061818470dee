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

/** A key of the document, with the line that first names it; array-of-tables entries are children named `0`, `1`… */
interface KeyNode {
  line: number | undefined;
  /** How many `[[…]]` entries this key has, when it is an array of tables. */
  entries: number | undefined;
  readonly children: Map<string, KeyNode>;
}

/**
 * Indexes `text` once; the locator then answers for any field path (`['handler', 2, 'allowed_hosts', 0]`). Keys are
 * kept in a tree and each line walks only its own keys from its table's node, so indexing is linear in the text
 * and a lookup linear in the path, however deep the tables.
 */
export function createLineLocator(text: string): LineLocator {
  const root = keyNode(undefined);
  let table = root;
  let inMultiline: '"""' | "'''" | undefined;

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
      const last = keys.pop();
      if (last === undefined) return;
      const array = child(tablePath(root, keys, line), last, line);
      const position = array.entries ?? 0;
      array.entries = position + 1;
      table = child(array, String(position), line);
      return;
    }
    if (tableHeader?.[1] !== undefined) {
      const keys = splitKey(tableHeader[1]);
      const last = keys.pop();
      if (last === undefined) return;
      table = child(tablePath(root, keys, line), last, line);
      return;
    }
    const keyValue = KEY_VALUE.exec(content);
    if (keyValue?.[1] === undefined) return;
    let node = table;
    for (const key of splitKey(keyValue[1])) node = child(node, key, line);
    for (const delimiter of ['"""', "'''"] as const) {
      if (count(content, delimiter) % 2 === 1) inMultiline = delimiter;
    }
  });

  return (path) => {
    let node = root;
    let found: number | undefined;
    for (const part of path) {
      const next = node.children.get(String(part));
      if (next === undefined) break;
      node = next;
      found = next.line ?? found;
    }
    return found;
  };
}

function keyNode(line: number | undefined): KeyNode {
  return { line, entries: undefined, children: new Map() };
}

/** The child `key` of `node`, created at `line` if new. */
function child(node: KeyNode, key: string, line: number): KeyNode {
  let found = node.children.get(key);
  if (found === undefined) {
    found = keyNode(line);
    node.children.set(key, found);
  }
  return found;
}

/** `[handler.sub]` after `[[handler]]` refers to the last handler: walks into the last entry of each array on the way. */
function tablePath(root: KeyNode, keys: readonly string[], line: number): KeyNode {
  let node = root;
  for (const key of keys) {
    node = child(node, key, line);
    if (node.entries !== undefined) node = child(node, String(node.entries - 1), line);
  }
  return node;
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
