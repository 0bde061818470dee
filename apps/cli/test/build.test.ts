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
    expect(stdout).toContain(`path  ${out}`);
    expect(stdout).toContain(`(${bytes.byteLength} bytes)`);
    expect(stdout).toContain(`hash  sha256:${hash}`);
  });

  it('comes from the build cache the second time, and prints JSON with --json', async () => {
    await runTheater(['build', actorDir, '--home', home]);
    const { stdout, exitCode } = await runTheater(['build', actorDir, '--home', home, '--json']);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as BuildJson;
    expect(json).toMatchObject({ name: 'tiny', world: 'message-receiver-actor', cached: true, path: join(actorDir, 'dist', 'tiny.wasm') });
    expect(json.entry).toBe(join(actorDir, 'src', 'tiny.wat'));
    expect(json.hash).toMatch(/^[0-9a-f]{64}$/u);
    expect(json.bytes).toBeGreaterThan(0);
  });

  it('builds a component that theater run can run', async () => {
    const out = join(temp.path, 'custom', 'counter.wasm');
    const built = await runTheater(['build', actorDir, '--out', out, '--home', home]);
    expect(built.exitCode).toBe(0);
    const manifest = join(temp.path, 'tiny.toml');
    await writeFile(manifest, `name = "tiny"\nversion = "0.1.0"\ncomponent = "./custom/counter.wasm"\n\n[[handler]]\ntype = "runtime"\n\n[[handler]]\ntype = "message-server"\n`);
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
    const { stderr, exitCode } = await runTheater(['build', actorDir, '--world', 'no-such-world', '--out', join(temp.path, 'x.wasm'), '--home', home]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^unknown-world: /u);
  });
});
