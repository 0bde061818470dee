/**
 * Theater as a user installs it: every published package packed, installed with plain npm into a temp project outside
 * the repository, checked by publint and arethetypeswrong, type-checked against, and driven through the installed
 * `theater` binary (build, run, events, chain verify, replay). Slow (an npm install and a componentize-js build), so
 * one installation serves every test here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeLlmServer } from '@theater/test-actors/fake-llm-server';
import { createInstallation, repositoryRoot, type Installation } from './support/installation.js';
import { consumerFiles, counterActorFiles, journalActorFiles, writeFiles } from './support/projects.js';

const execFileAsync = promisify(execFile);
const workspaceBin = (name: string): string => join(repositoryRoot, 'node_modules', '.bin', name);

let installation: Installation;
let installSeconds: number;

beforeAll(async () => {
  const started = performance.now();
  installation = await createInstallation();
  installSeconds = (performance.now() - started) / 1000;
  const sizes = installation.packages.map((entry) => `${entry.name} ${(entry.bytes / 1024).toFixed(1)} KiB`).join(', ');
  console.log(`packed and installed ${installation.packages.length} packages in ${installSeconds.toFixed(1)} s (${sizes})`);
});

afterAll(async () => {
  // THEATER_KEEP_INSTALL=1 keeps the temp folder to look into after a failure.
  if (process.env['THEATER_KEEP_INSTALL'] === '1') console.log(`kept the installation in ${installation.root}`);
  else await installation?.remove();
});

async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await execFileAsync('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
}

describe('the packed packages', () => {
  it('packs every package under packages/ and apps/, each with its LICENSE, README and built dist', async () => {
    const names = installation.packages.map((entry) => entry.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '@theater/cli',
        '@theater/event-chain',
        '@theater/handlers',
        '@theater/kernel',
        '@theater/sdk',
        '@theater/supervision',
      ]),
    );
    for (const entry of installation.packages) {
      const files = await tarballFiles(entry.tarball);
      expect(files, entry.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(
        files.some((file) => file.startsWith('dist/') && file.endsWith('.js')),
        entry.name,
      ).toBe(true);
    }
  });

  it('ships the CLI with its oclif manifest and run.js, without the development entry', async () => {
    const files = await tarballFiles(installation.tarballOf('@theater/cli'));
    expect(files).toEqual(
      expect.arrayContaining(['bin/run.js', 'oclif.manifest.json', 'templates/common/gitignore', 'templates/basic/src/index.ts']),
    );
    expect(files).not.toContain('bin/dev.js');
    expect(files.filter((file) => file.startsWith('src/'))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(installation.project, 'node_modules/@theater/cli/oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, unknown>;
    };
    expect(Object.keys(manifest.commands)).toEqual(
      expect.arrayContaining(['build', 'create', 'run', 'events', 'replay', 'chain:verify', 'chain:export']),
    );
  });

  it('ships the theater:simple WIT and the generated declarations', async () => {
    const sdk = await tarballFiles(installation.tarballOf('@theater/sdk'));
    expect(sdk).toEqual(expect.arrayContaining(['wit/worlds.wit', 'wit/runtime.wit', 'dist/generated/full-actor.d.ts']));
    const kernel = await tarballFiles(installation.tarballOf('@theater/kernel'));
    expect(kernel).toContain('dist/generated/host/world.d.ts');
  });

  it('passes publint with no errors or warnings', async () => {
    for (const entry of installation.packages) {
      const result = await installation.run(workspaceBin('publint'), ['run', '--strict', entry.tarball], { cwd: installation.root });
      expect(result.code, result.transcript).toBe(0);
      expect(result.stdout, result.transcript).toContain('All good!');
    }
  });

  it('passes arethetypeswrong for ESM consumers (every package with exports; the CLI is a binary)', async () => {
    for (const entry of installation.packages) {
      const manifest = JSON.parse(await readFile(join(entry.dir, 'package.json'), 'utf8')) as { exports?: unknown };
      if (manifest.exports === undefined) continue;
      const result = await installation.run(workspaceBin('attw'), ['--profile', 'esm-only', '--format', 'json', entry.tarball], {
        cwd: installation.root,
      });
      expect(result.code, result.transcript).toBe(0);
    }
  });
});

describe('the installed packages', () => {
  it('type-check a consumer of every public API with skipLibCheck false', async () => {
    await writeFiles(installation.project, consumerFiles);
    const result = await installation.run('node', [join(installation.project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(result.code, result.transcript).toBe(0);
  });
});

describe('the installed theater binary', () => {
  it('builds a TypeScript actor, runs it with a message and a request, lists, verifies and replays its chain', async () => {
    const dir = join(installation.root, 'counter');
    await writeFiles(dir, counterActorFiles(installation, 'counter'));
    const installed = await installation.npmInstall(dir);
    expect(installed.code, installed.transcript).toBe(0);
    const typecheck = await installation.run(
      'node',
      [join(installation.project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: dir },
    );
    expect(typecheck.code, typecheck.transcript).toBe(0);

    const built = await installation.theater(['build', dir, '--json']);
    expect(built.code, built.transcript).toBe(0);
    expect((await stat(join(dir, 'dist/counter.wasm'))).size).toBeGreaterThan(0);

    const ran = await installation.theater([
      'run',
      join(dir, 'manifest.toml'),
      '--send',
      'hello',
      '--send',
      'world',
      '--request',
      'count',
      '--json',
    ]);
    expect(ran.code, ran.transcript).toBe(0);
    const run = JSON.parse(ran.stdout) as {
      actorId: string;
      logs: { message: string }[];
      replies: { request: string; reply: string }[];
      failure: unknown;
    };
    expect(run.failure).toBeNull();
    expect(run.logs.map((line) => line.message)).toEqual([`counter ${run.actorId} starts at 0`, 'got hello', 'got world']);
    expect(run.replies).toEqual([expect.objectContaining({ request: 'count', reply: '2' })]);

    const events = await installation.theater(['events', run.actorId, '--json']);
    expect(events.code, events.transcript).toBe(0);
    const types = (JSON.parse(events.stdout) as { type: string }[]).map((event) => event.type);
    expect(types[0]).toBe('actor.spawn');
    expect(types.length).toBeGreaterThan(4);

    const verified = await installation.theater(['chain', 'verify', run.actorId, '--json']);
    expect(verified.code, verified.transcript).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: types.length });

    const replayed = await installation.theater(['replay', run.actorId, '--json']);
    expect(replayed.code, replayed.transcript).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true, events: types.length });
  });
});

/** How each template's project is run from the installed binary, and what its reply must hold. */
const TEMPLATES = [
  { template: 'basic', builds: [[]], sends: ['{"note":"hello"}'], request: '{"list":true}', reply: { ok: ['hello'] } },
  { template: 'message-server', builds: [[]], sends: ['{"post":"hello"}'], request: '{"history":true}', reply: { ok: ['hello'] } },
  {
    template: 'supervisor',
    // Built by its own package.json script (two `theater build`s), as its README says.
    builds: 'npm run build',
    sends: ['{"work":"job-1"}'],
    request: '{"status":true}',
    reply: { ok: expect.objectContaining({ done: ['job-1'], failed: [] }) },
  },
  {
    template: 'http-server',
    builds: [[]],
    sends: [],
    request: '{"url":true}',
    reply: { ok: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/u), visits: 0 } },
  },
] as const;

describe('theater create with the installed binary', () => {
  // Inside the installed project, so the created projects resolve @theater/sdk from its node_modules, as after their
  // own `npm install`.
  const dirOf = (template: string): string => join(installation.project, 'actors', template);

  it('creates a project from each template and builds each (two builds at a time)', async () => {
    const jobs: { template: string; args: string[] }[] = [];
    for (const { template, builds } of TEMPLATES) {
      const created = await installation.theater(['create', template, '--template', template, '--dir', dirOf(template), '--json']);
      expect(created.code, created.transcript).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({
        template,
        sdk: `^${installation.packages.find((entry) => entry.name === '@theater/cli')!.version}`,
      });
      if (builds === 'npm run build') jobs.push({ template, args: [] });
      else for (const extra of builds) jobs.push({ template, args: ['build', dirOf(template), ...extra, '--json'] });
    }
    const durations: string[] = [];
    const next = async (): Promise<void> => {
      for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
        if (job.args.length === 0) {
          const started = performance.now();
          const scripted = await installation.run('npm', ['run', 'build'], { cwd: dirOf(job.template) });
          expect(scripted.code, scripted.transcript).toBe(0);
          expect(scripted.stdout).toMatch(/✔ .*worker/u);
          durations.push(`${job.template} (npm run build: supervisor and worker) ${((performance.now() - started) / 1000).toFixed(1)} s`);
          continue;
        }
        const built = await installation.theater(job.args);
        expect(built.code, built.transcript).toBe(0);
        const json = JSON.parse(built.stdout) as { name: string; durationMs: number; typechecked: boolean; worldFrom: string };
        expect(json).toMatchObject({ typechecked: true, worldFrom: 'manifest' });
        durations.push(`${json.name} ${(json.durationMs / 1000).toFixed(1)} s`);
      }
    };
    await Promise.all([next(), next()]);
    console.log(`template builds: ${durations.join(', ')}`);
  });

  it('type-checks a created project with its own typecheck script', async () => {
    const checked = await installation.run('npm', ['run', 'typecheck'], { cwd: dirOf('message-server') });
    expect(checked.code, checked.transcript).toBe(0);
  });

  for (const { template, sends, request, reply } of TEMPLATES) {
    it(`runs the ${template} project with a message and a request, and verifies its chain`, async () => {
      const ran = await installation.theater([
        'run',
        join(dirOf(template), 'manifest.toml'),
        ...sends.flatMap((send) => ['--send', send]),
        '--request',
        request,
        '--json',
      ]);
      expect(ran.code, ran.transcript).toBe(0);
      const run = JSON.parse(ran.stdout) as { actorId: string; replies: { reply: string }[]; failure: unknown };
      expect(run.failure).toBeNull();
      expect(JSON.parse(run.replies[0]!.reply)).toEqual(reply);
      const verified = await installation.theater(['chain', 'verify', run.actorId, '--json']);
      expect(verified.code, verified.transcript).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    });
  }
});

describe('the agent template with the installed binary', () => {
  it('answers through a chat-completions server with its tools, keeps the key out of the chain, and replays without the server', async () => {
    const dir = join(installation.project, 'actors', 'agent');
    const created = await installation.theater(['create', 'agent', '--template', 'agent', '--dir', dir, '--json']);
    expect(created.code, created.transcript).toBe(0);
    const apiKey = `sk-install-${Date.now()}`;
    let actorId = '';
    const llm = await startFakeLlmServer({
      apiKey,
      script: [
        {
          toolCalls: [
            { name: 'save_note', arguments: { text: 'ship it' } },
            { name: 'current_time', arguments: {} },
          ],
        },
        { content: 'Saved.' },
      ],
    });
    try {
      const manifest = join(dir, 'manifest.toml');
      await writeFile(
        manifest,
        (await readFile(manifest, 'utf8')).replace('allowed_hosts = ["api.openai.com"]', `allowed_hosts = [${JSON.stringify(llm.host)}]`),
      );
      const built = await installation.theater(['build', dir, '--json']);
      expect(built.code, built.transcript).toBe(0);
      const env = { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: llm.baseUrl };
      const ran = await installation.theater(['run', manifest, '--request', '{"ask":"remember: ship it"}', '--json'], { env });
      expect(ran.code, ran.transcript).toBe(0);
      const run = JSON.parse(ran.stdout) as { actorId: string; replies: { reply: string }[] };
      actorId = run.actorId;
      const { ok } = JSON.parse(run.replies[0]!.reply) as { ok: { answer: string; toolCalls: { name: string; ok: boolean }[] } };
      expect(ok.answer).toBe('Saved.');
      expect(ok.toolCalls.map((call) => [call.name, call.ok])).toEqual([
        ['save_note', true],
        ['current_time', true],
      ]);
      expect(llm.requests.map((request) => request.authorization)).toEqual([`Bearer ${apiKey}`, `Bearer ${apiKey}`]);
      const exported = join(installation.root, 'agent.chain');
      const exportedRun = await installation.theater(['chain', 'export', run.actorId, '-o', exported]);
      expect(exportedRun.code, exportedRun.transcript).toBe(0);
      expect((await readFile(exported)).includes(apiKey)).toBe(false);
    } finally {
      await llm.close();
    }
    // No server, no key: the replay answers every host call from the chain, hash for hash.
    const replayed = await installation.theater(['replay', actorId, '--json']);
    expect(replayed.code, replayed.transcript).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true });
  });
});

describe('an actor using runtime, message-server, timing and store, from installed packages', () => {
  it('is created, built against exactly its four grants with no WIT written, and run', async () => {
    const dir = join(installation.project, 'actors', 'journal');
    const created = await installation.theater(['create', 'journal', '--dir', dir, '--json']);
    expect(created.code, created.transcript).toBe(0);
    await writeFiles(dir, journalActorFiles('journal'));
    const built = await installation.theater(['build', dir, '--json']);
    expect(built.code, built.transcript).toBe(0);
    const build = JSON.parse(built.stdout) as { imports: string[]; exports: string[]; worldFrom: string };
    expect(build.worldFrom).toBe('manifest');
    expect(build.imports.filter((name) => name !== 'theater:simple/types')).toEqual([
      'theater:simple/message-server-host',
      'theater:simple/runtime',
      'theater:simple/store',
      'theater:simple/timing',
    ]);
    expect(build.exports).toEqual(['theater:simple/actor', 'theater:simple/message-server-client']);

    const before = Date.now();
    const ran = await installation.theater([
      'run',
      join(dir, 'manifest.toml'),
      '--send',
      '{"note":"hello"}',
      '--send',
      '{"note":"world"}',
      '--request',
      '{"entries":true}',
      '--json',
    ]);
    expect(ran.code, ran.transcript).toBe(0);
    const run = JSON.parse(ran.stdout) as { actorId: string; replies: { reply: string }[]; failure: unknown };
    expect(run.failure).toBeNull();
    const { ok } = JSON.parse(run.replies[0]!.reply) as { ok: { at: number; note: string }[] };
    expect(ok.map((entry) => entry.note)).toEqual(['hello', 'world']);
    for (const entry of ok) expect(entry.at).toBeGreaterThanOrEqual(before - 60_000);
    const replayed = await installation.theater(['replay', run.actorId, '--json']);
    expect(replayed.code, replayed.transcript).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true });
  });
});
