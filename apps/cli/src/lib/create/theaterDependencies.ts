/**
 * How a created project depends on `@theater/sdk`, `@theater/cli` and TypeScript: the versions of the installing
 * CLI, or `workspace:^` when the project is created in a folder of the Theater repository's pnpm workspace
 * (examples/ style, linked by `pnpm install`).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dependency specifiers a created project's package.json uses. */
export interface TheaterDependencies {
  readonly sdk: string;
  readonly cli: string;
  /** For the project's `typecheck` script: the TypeScript the SDK type-checks with. */
  readonly typescript: string;
  /** True when the project is a package of the Theater workspace and links its packages. */
  readonly workspace: boolean;
}

/** This CLI's package.json version. */
export function cliVersion(): string {
  const path = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/**
 * The TypeScript `theater build` type-checks with (the SDK's own dependency, resolved from the SDK), as a caret
 * range: the project's `typecheck` script then uses the same compiler. Resolved from this CLI instead, npm's hoisting
 * could give another major (jco brings its own TypeScript).
 */
function typescriptRange(): string {
  const fromSdk = createRequire(import.meta.resolve('@theater/sdk'));
  const { version } = fromSdk('typescript/package.json') as { version: string };
  return `^${version}`;
}

/** The specifiers for a project created in `projectDir`. */
export async function theaterDependencies(projectDir: string): Promise<TheaterDependencies> {
  const typescript = typescriptRange();
  if (await inTheaterWorkspace(projectDir)) return { sdk: 'workspace:^', cli: 'workspace:^', typescript, workspace: true };
  // The CLI and SDK are released together (one changeset version), so the CLI's version is the SDK's.
  const version = `^${cliVersion()}`;
  return { sdk: version, cli: version, typescript, workspace: false };
}

/**
 * True when `dir` is a package folder of the Theater repository's workspace: a folder above it holds
 * `packages/sdk` (named `@theater/sdk`) and a `pnpm-workspace.yaml` whose `packages` globs (`examples/*`) match it.
 * Anywhere else `workspace:^` would link nothing.
 */
async function inTheaterWorkspace(dir: string): Promise<boolean> {
  for (let root = dirname(dir); ; root = dirname(root)) {
    const workspace = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined);
    if (workspace !== undefined)
      return (await isTheaterRepository(root)) && workspaceGlobs(workspace).some((glob) => matches(glob, relative(root, dir)));
    if (dirname(root) === root) return false;
  }
}

async function isTheaterRepository(root: string): Promise<boolean> {
  try {
    return (
      (JSON.parse(await readFile(join(root, 'packages', 'sdk', 'package.json'), 'utf8')) as { name?: unknown }).name === '@theater/sdk'
    );
  } catch {
    return false;
  }
}

/** The entries of the `packages:` list of a pnpm-workspace.yaml (`- 'examples/*'`); exclusions (`!…`) are dropped. */
function workspaceGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^packages:\s*$/u.test(line)) inPackages = true;
    else if (/^\S/u.test(line)) inPackages = false;
    else if (inPackages) {
      const entry = /^\s*-\s*['"]?([^'"#]+?)['"]?\s*(?:#.*)?$/u.exec(line)?.[1];
      if (entry !== undefined && !entry.startsWith('!')) globs.push(entry);
    }
  }
  return globs;
}

/** Whether the relative path `path` matches a workspace glob of `*` (one folder) and `**` (any depth) segments. */
function matches(glob: string, path: string): boolean {
  const pattern = glob
    .replace(/\/+$/u, '')
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '.*'
        : segment
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/gu, '\\$&'))
            .join('[^/]*'),
    )
    .join('/');
  return new RegExp(`^${pattern}$`, 'u').test(path.split(sep).join('/'));
}
