import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer } from '@theater/test-actors/fake-llm-server';
import type { CreateJson } from '../src/commands/create.js';
import { cliVersion } from '../src/lib/create/theaterDependencies.js';
import type { TemplateName } from '../src/lib/create/templates.js';
import { runTheater } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
/** Inside the repository (gitignored, not a workspace folder): the projects resolve the CLI's linked packages. */
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
    expect(pkg['devDependencies']).toEqual({ '@theater/cli': `^${cliVersion()}`, typescript: expect.stringMatching(/^\^5\./u) });
    expect(await readFile(join(dir, 'manifest.toml'), 'utf8')).toMatch(
      /^#:schema .\/node_modules\/@theater\/handlers\/dist\/manifest.schema.json\nname = "notes"\n/u,
    );
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
interface TemplateRun {
  readonly template: TemplateName;
  readonly sends: readonly string[];
  readonly request: string;
  readonly reply: string;
  /** Readies what the project needs to run (a server, variables, its manifest pointed at them); disposed after the run. */
  readonly setup?: (dir: string) => Promise<AsyncDisposable>;
}

const TEMPLATE_RUNS: readonly TemplateRun[] = [
  { template: 'basic', sends: ['{"note":"hello"}'], request: '{"list":true}', reply: '{"ok":["hello"]}' },
  { template: 'message-server', sends: ['{"post":"hello"}'], request: '{"history":true}', reply: '{"ok":["hello"]}' },
  {
    template: 'supervisor',
    sends: ['{"work":"job-1"}', '{"work":"crash"}'],
    request: '{"status":true}',
    reply: '"done":["job-1"],"failed":[{"job":"crash","code":"actor-failed"}]',
  },
  { template: 'http-server', sends: [], request: '{"url":true}', reply: '{"ok":{"url":"http://127.0.0.1:' },
  {
    template: 'agent',
    sends: [],
    request: '{"ask":"hello"}',
    reply: '{"ok":{"answer":"Noted.","toolCalls":[{"name":"save_note","arguments":"{\\"text\\":\\"hello\\"}","ok":true,',
    setup: fakeModel,
  },
];

/**
 * For the agent: a scripted chat-completions server on 127.0.0.1 (one tool call, then an answer) that insists on the
 * key, the variables pointing the agent at it, and the created manifest allowing its host instead of api.openai.com.
 */
async function fakeModel(dir: string): Promise<AsyncDisposable> {
  const apiKey = 'sk-create-test';
  const llm = await startFakeLlmServer({
    apiKey,
    script: [{ toolCalls: [{ name: 'save_note', arguments: { text: 'hello' } }] }, { content: 'Noted.' }],
  });
  const manifest = join(dir, 'manifest.toml');
  const granted = (await readFile(manifest, 'utf8')).replace(
    'allowed_hosts = ["api.openai.com"]',
    `allowed_hosts = [${JSON.stringify(llm.host)}]`,
  );
  expect(granted).toContain(llm.host);
  await writeFile(manifest, granted);
  const variables = { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: llm.baseUrl };
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return {
    async [Symbol.asyncDispose]() {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await llm.close();
    },
  };
}

describe('theater create inside the Theater repository', () => {
  it('links the workspace packages (workspace:^, source conditions) only in a folder of the pnpm workspace', async () => {
    const inWorkspace = fileURLToPath(new URL(`../../../examples/create-test-${process.pid}/`, import.meta.url));
    try {
      const created = await create(['linked', '--dir', inWorkspace]);
      expect(created.sdk).toBe('workspace:^');
      expect(created.next).toContain('pnpm install');
      const tsconfig = JSON.parse(await readFile(join(inWorkspace, 'tsconfig.json'), 'utf8')) as {
        compilerOptions: Record<string, unknown>;
      };
      expect(tsconfig.compilerOptions['customConditions']).toEqual(['@theater/source']);
    } finally {
      await rm(inWorkspace, { recursive: true, force: true });
    }
    // apps/cli/.create-test is in the repository but no workspace glob matches it: pnpm would link nothing there.
    const outside = await create(['unlinked', '--dir', join(inRepo, 'unlinked')]);
    expect(outside.sdk).toBe(`^${cliVersion()}`);
  });

  for (const { template, sends, request, reply, setup } of TEMPLATE_RUNS) {
    it(`creates, builds and runs the ${template} template`, async () => {
      const dir = join(inRepo, template);
      const created = await create([template, '--template', template, '--dir', dir]);
      expect(created.sdk).toBe(`^${cliVersion()}`);
      await using _ready = await setup?.(dir);
      const builds = template === 'supervisor' ? [[], ['--entry', 'src/worker.ts', '--manifest', join(dir, 'worker.toml')]] : [[]];
      for (const extra of builds) {
        const built = await runTheater(['build', dir, '--home', home, ...extra]);
        expect(built.stderr, built.stdout).toBe('');
        expect(built.exitCode).toBe(0);
      }
      const run = await runTheater([
        'run',
        join(dir, 'manifest.toml'),
        '--home',
        home,
        ...sends.flatMap((send) => ['--send', send]),
        '--request',
        request,
        '--json',
      ]);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(JSON.stringify(reply).slice(1, -1)); // the reply as a string in the JSON output
    }, 180_000);
  }
});
