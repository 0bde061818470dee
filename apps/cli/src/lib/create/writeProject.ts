/** Writes a new actor project from a template: the template's files, with `{{name}}` filled in, plus package.json and tsconfig.json. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { TheaterDependencies } from './theaterDependencies.js';
import { commonTemplateDir, templateDir, type TemplateName } from './templates.js';

/** npm drops `.gitignore` from packed packages, so templates keep it as `gitignore`. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** Writes the project into `dir` (which must not exist or be empty) and returns the files written, relative to it. */
export async function writeProject(
  dir: string,
  name: string,
  template: TemplateName,
  dependencies: TheaterDependencies,
): Promise<string[]> {
  const files = new Map<string, string>();
  for (const source of [commonTemplateDir(), templateDir(template)]) {
    for (const path of await listFiles(source)) {
      const target = join(dirname(path), RENAMED[baseName(path)] ?? baseName(path));
      files.set(target, (await readFile(join(source, path), 'utf8')).replaceAll('{{name}}', name).replaceAll('{{template}}', template));
    }
  }
  files.set('package.json', `${JSON.stringify(packageJson(name, template, dependencies), null, 2)}\n`);
  files.set('tsconfig.json', `${JSON.stringify(tsconfig(dependencies.workspace), null, 2)}\n`);
  const written = [...files.keys()].sort();
  for (const path of written) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), files.get(path)!, { flag: 'wx' });
  }
  return written;
}

function packageJson(name: string, template: TemplateName, dependencies: TheaterDependencies): object {
  const manifests = template === 'supervisor' ? ' && theater build . --entry src/worker.ts --manifest worker.toml' : '';
  return {
    name,
    version: '0.1.0',
    private: true,
    description: `A Theater actor (from the ${template} template).`,
    type: 'module',
    scripts: {
      build: `theater build .${manifests}`,
      typecheck: 'tsc --noEmit',
    },
    dependencies: { '@theater/sdk': dependencies.sdk },
    devDependencies: { '@theater/cli': dependencies.cli, typescript: dependencies.typescript },
  };
}

/**
 * Type-checking options for the actor: the `theater:simple/*` declarations from the SDK, and the bundler's module
 * resolution (esbuild bundles the actor). In the Theater repository, workspace packages resolve to their sources.
 */
function tsconfig(workspace: boolean): object {
  return {
    compilerOptions: {
      target: 'ES2022',
      // TextEncoder, TextDecoder and console exist in the component's JavaScript engine (StarlingMonkey).
      lib: ['ES2022', 'DOM'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['@theater/sdk/wit-types'],
      ...(workspace ? { customConditions: ['@theater/source'] } : {}),
    },
    include: ['src'],
  };
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
