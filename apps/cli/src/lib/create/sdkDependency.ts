/**
 * How a created project depends on `@theater/sdk` and `@theater/cli`: the versions of the installing CLI, or
 * `workspace:^` when the project is created inside the Theater repository (examples/ style, linked by pnpm).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dependency specifiers a created project's package.json uses. */
export interface TheaterDependencies {
  readonly sdk: string;
  readonly cli: string;
  /** True when the project lives in the Theater repository and links the workspace packages. */
  readonly workspace: boolean;
}

/** This CLI's package.json version. */
export function cliVersion(): string {
  const path = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** The specifiers for a project created in `projectDir`. */
export async function theaterDependencies(projectDir: string): Promise<TheaterDependencies> {
  if (await insideTheaterWorkspace(projectDir)) return { sdk: 'workspace:^', cli: 'workspace:^', workspace: true };
  // The CLI and SDK are released together (one changeset version), so the CLI's version is the SDK's.
  const version = `^${cliVersion()}`;
  return { sdk: version, cli: version, workspace: false };
}

/** True when a folder above `dir` is the root of the Theater pnpm workspace (it has packages/sdk as @theater/sdk). */
async function insideTheaterWorkspace(dir: string): Promise<boolean> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const sdk = await readFile(join(current, 'packages', 'sdk', 'package.json'), 'utf8').catch(() => undefined);
    const workspace = await readFile(join(current, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined);
    if (sdk !== undefined && workspace !== undefined && (JSON.parse(sdk) as { name?: string }).name === '@theater/sdk') return true;
    if (dirname(current) === current) return false;
  }
}
