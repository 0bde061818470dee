import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseWorld, DEFAULT_WORLD, worldTag } from '../src/lib/actorWorld.js';
import { createTempDir } from './helpers/tempDir.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  temp = await createTempDir('world');
});
afterAll(async () => {
  await temp.remove();
});

const MANIFEST = `name = "notes"
version = "0.1.0"
component = "dist/notes.wasm"

[[handler]]
type = "runtime"

[[handler]]
type = "message-server"

[[handler]]
type = "timing"

[[handler]]
type = "supervisor"
`;

describe('worldTag', () => {
  it('takes the @world tag of the leading doc comment only', () => {
    expect(worldTag('/**\n * A counter.\n *\n * @world message-server-actor\n */\nexport {};\n')).toBe('message-server-actor');
    expect(worldTag('// @world ignored: not a leading doc comment\nexport {};\n')).toBeUndefined();
  });
});

describe('chooseWorld', () => {
  it('prefers --world, then the @world tag', async () => {
    const dir = join(temp.path, 'tagged');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'manifest.toml'), MANIFEST);
    const entry = join(dir, 'index.ts');
    await writeFile(entry, '/** @world message-server-actor */\nexport {};\n');
    // The manifest is read either way: it names the actor and says where its component goes.
    expect(await chooseWorld(entry, dir, { world: 'minimal-actor' })).toMatchObject({
      world: 'minimal-actor',
      from: 'flag',
      manifest: { name: 'notes' },
    });
    expect(await chooseWorld(entry, dir, {})).toMatchObject({
      world: 'message-server-actor',
      from: 'tag',
      manifestPath: join(dir, 'manifest.toml'),
    });
  });

  it("derives the world from the manifest's handlers: their interfaces imported, their required exports exported", async () => {
    const dir = join(temp.path, 'derived');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'manifest.toml'), MANIFEST);
    const entry = join(dir, 'index.ts');
    await writeFile(entry, 'export {};\n');
    const chosen = await chooseWorld(entry, dir, {});
    expect(chosen.from).toBe('manifest');
    expect(chosen.manifest?.componentPath).toBe(join(dir, 'dist', 'notes.wasm'));
    expect(chosen.world).toEqual({
      imports: ['theater:simple/message-server-host', 'theater:simple/runtime', 'theater:simple/supervisor', 'theater:simple/timing'],
      exports: ['theater:simple/message-server-client'],
      optionalExports: ['theater:simple/supervisor-handlers'],
    });
  });

  it('reads another manifest with --manifest, and refuses an invalid one', async () => {
    const dir = join(temp.path, 'other');
    await mkdir(dir, { recursive: true });
    const entry = join(dir, 'index.ts');
    await writeFile(entry, 'export {};\n');
    await writeFile(join(dir, 'worker.toml'), 'name = "w"\nversion = "0.1.0"\ncomponent = "w.wasm"\n\n[[handler]]\ntype = "runtime"\n');
    expect((await chooseWorld(entry, dir, { manifest: join(dir, 'worker.toml') })).world).toEqual({
      imports: ['theater:simple/runtime'],
      exports: [],
      optionalExports: [],
    });
    await writeFile(join(dir, 'bad.toml'), 'name = "w"\nversion = "0.1.0"\ncomponent = "w.wasm"\n\n[[handler]]\ntype = "telepathy"\n');
    await expect(chooseWorld(entry, dir, { manifest: join(dir, 'bad.toml') })).rejects.toMatchObject({ name: 'ManifestError' });
  });

  it('falls back to the default world without a manifest', async () => {
    const dir = join(temp.path, 'plain');
    await mkdir(dir, { recursive: true });
    const entry = join(dir, 'index.ts');
    await writeFile(entry, 'export {};\n');
    expect(await chooseWorld(entry, dir, {})).toEqual({ world: DEFAULT_WORLD, from: 'default' });
  });
});
