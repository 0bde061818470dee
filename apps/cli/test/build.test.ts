import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildJson } from '../src/commands/build.js';
import { runTheater } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

// A hand-written WAT counter builds in milliseconds, unlike a componentize-js actor (~10 s).
const SMALL_WAT = fileURLToPath(new URL('../../../test-actors/actors/small.wat', import.meta.url));

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
let actorDir: string;

beforeAll(async () => {
  temp = await createTempDir('build');
  home = join(temp.path, 'home');
  actorDir = join(temp.path, 'tiny');
  await mkdir(join(actorDir, 'src'), { recursive: true });
  await copyFile(SMALL_WAT, join(actorDir, 'src', 'tiny.wat'));
});
afterAll(async () => {
  await temp.remove();
});

describe('theater build', () => {
  it('builds the only source in src/ into dist/<directory name>.wasm and prints path, size and hash', async () => {
    const { stdout, stderr, exitCode } = await runTheater(['build', actorDir, '--home', home]);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const out = join(actorDir, 'dist', 'tiny.wasm');
    const bytes = await readFile(out);
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect(stdout).toMatch(/^✔ tiny \(message-receiver-actor\) (built in|up to date)/u);
    expect(stdout).toMatch(new RegExp(`path +${out}`, 'u'));
    expect(stdout).toContain(`(${bytes.byteLength} bytes)`);
    expect(stdout).toMatch(new RegExp(`hash +sha256:${hash}`, 'u'));
  });

  it('comes from the build cache the second time, and prints JSON with --json', async () => {
    await runTheater(['build', actorDir, '--home', home]);
    const { stdout, exitCode } = await runTheater(['build', actorDir, '--home', home, '--json']);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as BuildJson;
    expect(json).toMatchObject({
      name: 'tiny',
      world: 'message-receiver-actor',
      worldFrom: 'default',
      cached: true,
      path: join(actorDir, 'dist', 'tiny.wasm'),
    });
    expect(json.exports).toEqual(['theater:simple/actor', 'theater:simple/message-server-client']);
    expect(json.entry).toBe(join(actorDir, 'src', 'tiny.wat'));
    expect(json.hash).toMatch(/^[0-9a-f]{64}$/u);
    expect(json.bytes).toBeGreaterThan(0);
  });

  it('builds a component that theater run can run', async () => {
    const out = join(temp.path, 'custom', 'counter.wasm');
    const built = await runTheater(['build', actorDir, '--out', out, '--home', home]);
    expect(built.exitCode).toBe(0);
    const manifest = join(temp.path, 'tiny.toml');
    await writeFile(
      manifest,
      `name = "tiny"\nversion = "0.1.0"\ncomponent = "./custom/counter.wasm"\n\n[[handler]]\ntype = "runtime"\n\n[[handler]]\ntype = "message-server"\n`,
    );
    const { stdout, exitCode } = await runTheater(['run', manifest, '--send', 'a', '--request', 'b', '--home', home]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('reply to "b": 0x01000000 (4 bytes)');
  });

  it('exits 2 when the directory does not exist', async () => {
    const { stderr, exitCode } = await runTheater(['build', join(temp.path, 'nowhere'), '--home', home]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('no actor directory at');
  });

  it('exits 2 when src/ holds several sources and no --entry says which', async () => {
    const dir = join(temp.path, 'two');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'a.ts'), '');
    await writeFile(join(dir, 'src', 'b.ts'), '');
    const { stderr, exitCode } = await runTheater(['build', dir, '--home', home]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('several sources');
    expect(stderr).toContain('a.ts, b.ts');
  });

  it('exits 2 with unknown-world for a world the WIT does not define', async () => {
    const { stderr, exitCode } = await runTheater([
      'build',
      actorDir,
      '--world',
      'no-such-world',
      '--out',
      join(temp.path, 'x.wasm'),
      '--home',
      home,
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^unknown-world: /u);
  });

  it("derives the world from manifest.toml's handlers and writes the component where the manifest says", async () => {
    const dir = join(temp.path, 'granted');
    await mkdir(join(dir, 'src'), { recursive: true });
    await copyFile(SMALL_WAT, join(dir, 'src', 'index.wat'));
    await writeFile(join(dir, 'manifest.toml'), manifestText('granted', ['runtime', 'message-server', 'timing']));
    const { stdout, exitCode } = await runTheater(['build', dir, '--home', home, '--json']);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as BuildJson;
    expect(json).toMatchObject({
      name: 'granted',
      world: 'theater-actor',
      worldFrom: 'manifest',
      path: join(dir, 'build', 'granted.wasm'),
    });
    expect(json.imports).toEqual(['theater:simple/message-server-host', 'theater:simple/runtime', 'theater:simple/timing']);
    expect(json.exports).toEqual(['theater:simple/actor', 'theater:simple/message-server-client']);
    const run = await runTheater(['run', join(dir, 'manifest.toml'), '--send', 'a', '--request', 'b', '--home', home]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('reply to "b": 0x01000000 (4 bytes)');
  });

  it('exits 2 naming the [[handler]] to add when the code imports an interface the manifest does not grant', async () => {
    const dir = join(temp.path, 'ungranted');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(
      join(dir, 'src', 'index.ts'),
      "import { now } from 'theater:simple/timing';\nexport const actor = { init: (state: unknown) => [state ?? now()] };\n",
    );
    await writeFile(join(dir, 'manifest.toml'), manifestText('ungranted', ['runtime', 'message-server']));
    const { stderr, exitCode } = await runTheater(['build', dir, '--home', home, '--no-typecheck']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(
      `import-not-granted: ${join(dir, 'src', 'index.ts')} imports theater:simple/timing, which the granted capabilities do not import`,
    );
    expect(stderr).toContain(`theater:simple/timing: add [[handler]] type = "timing" to ${join(dir, 'manifest.toml')}`);
    const json = JSON.parse((await runTheater(['build', dir, '--home', home, '--no-typecheck', '--json'])).stdout) as {
      error: { code: string; interfaces: string[] };
    };
    expect(json.error).toMatchObject({ code: 'import-not-granted', interfaces: ['theater:simple/timing'] });
  });

  it('exits 1 with each type error as file:line:column before building, and --no-typecheck skips the check', async () => {
    const dir = join(temp.path, 'mistyped');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: [], module: 'esnext', moduleResolution: 'bundler', target: 'es2022' },
      }),
    );
    await writeFile(
      join(dir, 'src', 'index.ts'),
      'export const actor = {\n  init(state: Uint8Array | undefined): [Uint8Array | undefined] {\n    return state;\n  },\n};\n',
    );
    const { stderr, exitCode } = await runTheater(['build', dir, '--home', home, '--world', 'minimal-actor']);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^type-check-failed: 1 type error in /u);
    expect(stderr).toMatch(/src\/index\.ts:3:5 - error TS2322: /u);
    // Without the check the build goes on to componentize-js; only the bundle is checked here, so stop at --world none.
    const skipped = await runTheater(['build', dir, '--home', home, '--world', 'no-such-world', '--no-typecheck']);
    expect(skipped.stderr).toMatch(/^unknown-world: /u);
  });

  it('type-checks an actor without a tsconfig.json against the theater:simple declarations', async () => {
    const dir = join(temp.path, 'untyped');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'index.ts'), "import { log } from 'theater:simple/runtime';\nlog(42);\nexport {};\n");
    const { stderr, exitCode } = await runTheater(['build', dir, '--home', home]);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/src\/index\.ts:2:5 - error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/u);
  });

  it("refuses a manifest component path outside the manifest's directory, or not .wasm, and writes nothing there", async () => {
    const dir = join(temp.path, 'escaping');
    await mkdir(join(dir, 'src'), { recursive: true });
    await copyFile(SMALL_WAT, join(dir, 'src', 'index.wat'));
    const victim = join(temp.path, 'victim.wasm');
    await writeFile(victim, 'keep me');
    for (const component of ['../victim.wasm', victim, 'src/index.wat', 'manifest.toml']) {
      await writeFile(
        join(dir, 'manifest.toml'),
        manifestText('escaping', ['runtime', 'message-server']).replace('build/escaping.wasm', component),
      );
      const { stderr, exitCode } = await runTheater(['build', dir, '--home', home]);
      expect(exitCode, component).toBe(2);
      expect(stderr).toMatch(/^invalid-output: the manifest's component /u);
    }
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect(await readFile(join(dir, 'src', 'index.wat'), 'utf8')).toBe(await readFile(SMALL_WAT, 'utf8'));
    const out = join(temp.path, 'chosen.wasm');
    const chosen = await runTheater(['build', dir, '--home', home, '--out', out]);
    expect(chosen.exitCode).toBe(0);
    expect((await readFile(out)).byteLength).toBeGreaterThan(0);
  });

  it('names the actor and writes the component as the manifest says when --world picks the world', async () => {
    const dir = join(temp.path, 'named');
    await mkdir(join(dir, 'src'), { recursive: true });
    await copyFile(SMALL_WAT, join(dir, 'src', 'index.wat'));
    await writeFile(join(dir, 'manifest.toml'), manifestText('counter', ['runtime', 'message-server']));
    const { stdout, exitCode } = await runTheater(['build', dir, '--home', home, '--world', 'message-receiver-actor', '--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'counter', worldFrom: 'flag', path: join(dir, 'build', 'counter.wasm') });
  });

  it('builds a WAT actor granted supervisor without supervisor-handlers, which it does not implement', async () => {
    const dir = join(temp.path, 'overseen');
    await mkdir(join(dir, 'src'), { recursive: true });
    await copyFile(SMALL_WAT, join(dir, 'src', 'index.wat'));
    await writeFile(join(dir, 'manifest.toml'), manifestText('overseen', ['runtime', 'message-server', 'supervisor']));
    const { stdout, exitCode } = await runTheater(['build', dir, '--home', home, '--json']);
    expect(exitCode).toBe(0);
    expect((JSON.parse(stdout) as BuildJson).exports).toEqual(['theater:simple/actor', 'theater:simple/message-server-client']);
  });
});

function manifestText(name: string, handlers: readonly string[]): string {
  return [
    `name = "${name}"`,
    'version = "0.1.0"',
    `component = "build/${name}.wasm"`,
    ...handlers.map((type) => `\n[[handler]]\ntype = "${type}"`),
    '',
  ].join('\n');
}
