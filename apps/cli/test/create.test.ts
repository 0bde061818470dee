import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateJson } from '../src/commands/create.js';
import { cliVersion } from '../src/lib/create/sdkDependency.js';
import { runTheater } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
/** Inside the repository (gitignored), where a created project links the workspace packages. */
const inRepo = fileURLToPath(new URL('../.create-test/', import.meta.url));

beforeAll(async () => {
  temp = await createTempDir('create');
  home = join(temp.path, 'home');
  await rm(inRepo, { recursive: true, force: true });
});
afterAll(async () => {
  await temp.remove();
  await rm(inRepo, { recursive: true, force: true });
});

async function create(argv: readonly string[]): Promise<CreateJson> {
  const { stdout, stderr, exitCode } = await runTheater(['create', ...argv, '--json']);
  expect(stderr).toBe('');
  expect(exitCode).toBe(0);
  return JSON.parse(stdout) as CreateJson;
}

describe('theater create', () => {
  it('writes a standalone project depending on the SDK and CLI of its own version, with basic as the default template', async () => {
    const dir = join(temp.path, 'notes');
    const created = await create(['notes', '--dir', dir]);
    expect(created).toMatchObject({ name: 'notes', template: 'basic', dir, sdk: `^${cliVersion()}` });
    expect(created.files).toEqual(['.gitignore', 'README.md', 'manifest.toml', 'package.json', 'src/index.ts', 'tsconfig.json']);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg['dependencies']).toEqual({ '@theater/sdk': `^${cliVersion()}` });
    expect(pkg['devDependencies']).toEqual({ '@theater/cli': `^${cliVersion()}` });
    expect(await readFile(join(dir, 'manifest.toml'), 'utf8')).toMatch(/^#:schema .\/node_modules\/@theater\/kernel\/dist\/manifest.schema.json\nname = "notes"\n/u);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toContain('node_modules/');
    const tsconfig = JSON.parse(await readFile(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions['types']).toEqual(['@theater/sdk/wit-types']);
    expect(tsconfig.compilerOptions['customConditions']).toBeUndefined();
  });

  it('prints the files and the next commands without --json', async () => {
    const dir = join(temp.path, 'room');
    const { stdout, exitCode } = await runTheater(['create', 'room', '--template', 'message-server', '--dir', dir]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`✔ created room (message-server) in ${dir}`);
    expect(stdout).toContain('npm run build');
  });

  it('exits 2 for an invalid name, an unknown template or a directory that is not empty, and writes nothing', async () => {
    const badName = await runTheater(['create', 'Bad Name', '--dir', join(temp.path, 'bad')]);
    expect(badName.exitCode).toBe(2);
    expect(badName.stderr).toMatch(/^invalid-name: /u);
    const badTemplate = await runTheater(['create', 'x', '--template', 'nope', '--dir', join(temp.path, 'x')]);
    expect(badTemplate.exitCode).toBe(2);
    expect(badTemplate.stderr).toContain('Expected --template=nope to be one of');
    const full = join(temp.path, 'full');
    await mkdir(full, { recursive: true });
    await writeFile(join(full, 'keep.txt'), 'mine');
    const notEmpty = await runTheater(['create', 'full', '--dir', full, '--json']);
    expect(notEmpty.exitCode).toBe(2);
    expect(JSON.parse(notEmpty.stdout)).toMatchObject({ error: { code: 'directory-not-empty' } });
    expect(await readFile(join(full, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

/** What each template's project is run with, and what its replies must say. */
const TEMPLATE_RUNS = [
  { template: 'basic', sends: ['{"note":"hello"}'], request: '{"list":true}', reply: '{"ok":["hello"]}' },
  { template: 'message-server', sends: ['{"post":"hello"}'], request: '{"history":true}', reply: '{"ok":["hello"]}' },
  {
    template: 'supervisor',
    sends: ['{"work":"job-1"}', '{"work":"crash"}'],
    request: '{"status":true}',
    reply: '"done":["job-1"],"failed":[{"job":"crash","code":"actor-failed"}]',
  },
  { template: 'http-server', sends: [], request: '{"url":true}', reply: '{"ok":{"url":"http://127.0.0.1:' },
] as const;

describe('theater create inside the repository (workspace links)', () => {
  for (const { template, sends, request, reply } of TEMPLATE_RUNS) {
    it(`creates, builds and runs the ${template} template`, async () => {
      const dir = join(inRepo, template);
      const created = await create([template, '--template', template, '--dir', dir]);
      expect(created.sdk).toBe('workspace:^');
      const builds = template === 'supervisor' ? [[], ['--entry', 'src/worker.ts', '--manifest', join(dir, 'worker.toml')]] : [[]];
      for (const extra of builds) {
        const built = await runTheater(['build', dir, '--home', home, ...extra]);
        expect(built.stderr, built.stdout).toBe("");
        expect(built.exitCode).toBe(0);
      }
      const run = await runTheater(['run', join(dir, 'manifest.toml'), '--home', home, ...sends.flatMap((send) => ['--send', send]), '--request', request, '--json']);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(reply.replaceAll('"', '\\"'));
    }, 180_000);
  }
});
