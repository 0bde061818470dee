/**
 * Reads the TypeScript declarations jco prints for each WIT interface of a component, so two components' views of
 * an interface can be compared exactly: the same WIT types always print the same declarations.
 */

/** One interface's declarations, keyed by exported name (functions, types and interfaces). */
export type InterfaceDeclarations = Readonly<Record<string, string>>;

/** Maps interface names (`theater:simple/runtime`) to their declaration file inside jco's output. */
export function interfaceFilesOf(worldDts: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of worldDts.matchAll(/from '\.\/(interfaces\/[^']+)\.js'; \/\/ (\S+)/g)) {
    const [, file, name] = match;
    if (file !== undefined && name !== undefined) files.set(name, `${file}.d.ts`);
  }
  return files;
}

/** Splits an interface's `.d.ts` into normalised top-level declarations. */
export function parseInterfaceDeclarations(dts: string): InterfaceDeclarations {
  const text = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  // jco renames functions whose WIT name is a JS reserved word: `function _new()` + `export { _new as new }`.
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/^export \{ ([A-Za-z0-9_$]+) as ([A-Za-z0-9_$]+) \};$/gm)) {
    if (m[1] !== undefined && m[2] !== undefined) aliases.set(m[1], m[2]);
  }
  const declarations: Record<string, string> = {};
  let current: { name: string; lines: string[]; depth: number } | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (current === undefined) {
      const head = /^(?:export )?(?:function|type|interface|class|const|enum) ([A-Za-z0-9_$]+)/.exec(line);
      if (head?.[1] === undefined) continue;
      current = { name: aliases.get(head[1]) ?? head[1], lines: [], depth: 0 };
    }
    current.lines.push(line);
    current.depth += count(line, '{') - count(line, '}');
    if (current.depth <= 0 && (line.endsWith(';') || line.endsWith('}'))) {
      declarations[current.name] = current.lines
        .join(' ')
        .replace(/\s+/g, ' ')
        .replace(/^export /, '');
      current = undefined;
    }
  }
  return declarations;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/** Converts a WIT kebab-case name to the camelCase name jco gives it in JavaScript. */
export function toJsName(kebab: string): string {
  // Called per operation and per host call: the set of names is small (the WIT's), so remember them.
  let name = jsNames.get(kebab);
  if (name === undefined) {
    name = kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (jsNames.size < 4096) jsNames.set(kebab, name);
  }
  return name;
}

const jsNames = new Map<string, string>();
