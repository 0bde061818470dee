/**
 * An installation of Theater as a user gets it: every published workspace package packed with `pnpm pack`, the
 * tarballs installed with plain `npm install` (no overrides, no pnpm) into a project under the OS temp folder, far from
 * the repository, and a `theater` binary from that installation's `node_modules/.bin`. Tests build on it: an actor
 * project, a consumer that type-checks against the installed packages, (later) projects made by `theater create`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A published (not private) workspace package and the tarball `pnpm pack` made of it. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder in the repository. */
  readonly dir: string;
  readonly tarball: string;
  readonly bytes: number;
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line and its output, for assertion messages. */
  readonly transcript: string;
}

export interface Installation {
  /** The temp folder holding everything (tarballs, the project, THEATER_HOME). */
  readonly root: string;
  /** The npm project the tarballs are installed into. */
  readonly project: string;
  /** Theater home for every command run here. */
  readonly home: string;
  readonly packages: readonly PackedPackage[];
  /** The tarball of a package by name (for `file:` dependencies of other projects). */
  tarballOf(name: string): string;
  /** Runs the installed `theater` binary with `THEATER_HOME` = {@link home}. */
  theater(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Runs a command with this installation's environment (npm's and pnpm's settings from the test run removed). */
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** `npm install` in `dir` (a project whose package.json is already written). */
  npmInstall(dir: string): Promise<CommandResult>;
  /** Deletes {@link root}. */
  remove(): Promise<void>;
}

/** Where and how long a command runs, and variables added to the installation's environment. */
export interface RunOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

const DEFAULT_TIMEOUT_MS = 240_000;

/**
 * The environment the user's shell would have: without the `npm_*`/`pnpm_*` settings pnpm and turbo export to the test
 * run (they would reconfigure the inner npm), without loaders from NODE_OPTIONS, with THEATER_HOME set.
 */
function userEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|VITEST|TURBO_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, THEATER_HOME: home, NO_COLOR: '1' };
}

function runIn(env: NodeJS.ProcessEnv, file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      const transcript = `$ ${[file, ...args].join(' ')}  (in ${cwd}, exit ${String(code)}${error?.killed === true ? ', killed on timeout' : ''})\n${stdout}\n${stderr}`;
      resolve({ code, stdout, stderr, transcript });
    });
  });
}

/** The folders of the workspace packages that are published: every non-private package under packages/ and apps/. */
async function publishedPackageDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const name of (await readdir(join(repositoryRoot, parent))).sort()) {
      const dir = join(repositoryRoot, parent, name);
      const manifest = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
      if (manifest !== undefined && (JSON.parse(manifest) as { private?: boolean }).private !== true) dirs.push(dir);
    }
  }
  return dirs;
}

/** A devDependency's version range from the repository's root package.json (the consumer uses the same tools). */
async function rootDevDependency(name: string): Promise<string> {
  const root = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const range = root.devDependencies[name];
  if (range === undefined) throw new Error(`the root package.json has no devDependency ${name}`);
  return range;
}

/**
 * Packs every published package (their `build` must have run: turbo's `^build`) and installs the tarballs, with
 * TypeScript and @types/node for type-checking consumers, into a new project under the OS temp folder.
 */
export async function createInstallation(): Promise<Installation> {
  const root = await mkdtemp(join(tmpdir(), 'theater-install-'));
  const tarballs = join(root, 'tarballs');
  const project = join(root, 'project');
  const home = join(root, 'home');
  await Promise.all([mkdir(tarballs), mkdir(project), mkdir(home)]);
  const env = userEnvironment(home);
  const run: Installation['run'] = (file, args, options = {}) =>
    runIn({ ...env, ...options.env }, file, args, options.cwd ?? project, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  // turbo builds only this package's dependencies (`^build`) before the test: an unlisted package would be packed unbuilt.
  const own = JSON.parse(await readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const packages: PackedPackage[] = [];
  // One at a time: the CLI's prepack writes its oclif manifest, and the machine is shared.
  for (const dir of await publishedPackageDirs()) {
    const { name, version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    if (own.devDependencies[name] === undefined)
      throw new Error(
        `add "${name}": "workspace:^" to install-test/package.json's devDependencies, so turbo builds it before it is packed`,
      );
    const before = new Set(await readdir(tarballs));
    const packed = await runIn(process.env, 'pnpm', ['pack', '--pack-destination', tarballs], dir, DEFAULT_TIMEOUT_MS);
    if (packed.code !== 0) throw new Error(`pnpm pack failed for ${name}:\n${packed.transcript}`);
    const made = (await readdir(tarballs)).filter((file) => !before.has(file));
    if (made.length !== 1 || made[0] === undefined)
      throw new Error(`pnpm pack made ${made.length} tarballs for ${name}:\n${packed.transcript}`);
    const tarball = join(tarballs, made[0]);
    packages.push({ name, version, dir, tarball, bytes: (await readFile(tarball)).byteLength });
  }
  const tarballOf = (name: string): string => {
    const found = packages.find((entry) => entry.name === name);
    if (found === undefined) throw new Error(`no packed package ${name}`);
    return found.tarball;
  };

  const dependencies: Record<string, string> = Object.fromEntries(packages.map((entry) => [entry.name, `file:${entry.tarball}`]));
  dependencies['typescript'] = await rootDevDependency('typescript');
  dependencies['@types/node'] = await rootDevDependency('@types/node');
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'theater-install', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  const npmInstall: Installation['npmInstall'] = (dir) =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  const installed = await npmInstall(project);
  if (installed.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.transcript}`);

  const theaterBin = join(project, 'node_modules', '.bin', 'theater');
  return {
    root,
    project,
    home,
    packages,
    tarballOf,
    theater: (args, options = {}) => run(theaterBin, args, options),
    run,
    npmInstall,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
