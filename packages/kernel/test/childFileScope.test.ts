/** Where a supervisor may load its children's files from: inside its manifest's directory, by real path. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/manifest/index.js';
import { childFilePath, confineChildFiles } from '../src/supervision/childFileScope.js';
import { tempDir } from './tempDir.js';

/** `dir/tree` (the supervisor's directory, with `a.toml`, `sub/` and links) beside `dir/outside` (with `secret.toml`). */
async function layout(): Promise<{ tree: string; outside: string } & AsyncDisposable> {
  const dir = await tempDir();
  const tree = join(dir.path, 'tree');
  const outside = join(dir.path, 'outside');
  await mkdir(join(tree, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(tree, 'a.toml'), 'name = "a"');
  await writeFile(join(tree, '..a.toml'), 'name = "dots"');
  await writeFile(join(outside, 'secret.toml'), '[topsecret]');
  await symlink(join(tree, 'sub'), join(tree, 'inner'));
  await symlink(outside, join(tree, 'door'));
  await symlink(join(outside, 'missing'), join(tree, 'dangling'));
  await symlink(tree, join(dir.path, 'tree-link'));
  return { tree, outside, [Symbol.asyncDispose]: dir[Symbol.asyncDispose] };
}

const outsideMessage = (kind: string, given: string): string =>
  `child ${kind} path ${JSON.stringify(given)} is outside the supervisor's directory`;

describe('childFilePath', () => {
  it('gives the absolute path of a file inside the directory, existing or not, through symlinks that stay inside', async () => {
    await using dirs = await layout();
    for (const given of [
      'a.toml',
      'missing.toml',
      'sub/new/deep.toml',
      'inner/x.toml',
      './sub/../a.toml',
      '..a.toml',
      '.',
      join(dirs.tree, 'a.toml'),
    ]) {
      await expect(childFilePath(dirs.tree, 'manifest', given, dirs.tree)).resolves.toBe(resolve(dirs.tree, given));
    }
    // A file under a file: the read says what is wrong; it is still inside.
    await expect(childFilePath(dirs.tree, 'manifest', 'a.toml/x', dirs.tree)).resolves.toBe(join(dirs.tree, 'a.toml', 'x'));
  });

  it('compares real paths, so a directory reached through a symlink holds its own files', async () => {
    await using dirs = await layout();
    const linked = join(dirs.tree, '..', 'tree-link');
    await expect(childFilePath(linked, 'manifest', 'a.toml', linked)).resolves.toBe(join(linked, 'a.toml'));
    await expect(childFilePath(linked, 'manifest', join(dirs.tree, 'a.toml'), linked)).resolves.toBe(join(dirs.tree, 'a.toml'));
  });

  it('refuses, with one message naming the path as given, anything outside, existing or not, and symlinks leading out or nowhere', async () => {
    await using dirs = await layout();
    const outside = [
      '../outside/secret.toml',
      '../outside/missing.toml',
      '../outside',
      '..',
      join(dirs.outside, 'secret.toml'),
      '/etc/passwd',
      '/nonexistent/x',
      'door/secret.toml',
      'door/missing.toml',
      'door',
      'dangling',
      'dangling/x',
      'bad\0name',
    ];
    for (const given of outside) {
      await expect(childFilePath(dirs.tree, 'manifest', given, dirs.tree)).rejects.toMatchObject({
        code: 'permission-denied',
        message: outsideMessage('manifest', given),
      });
    }
  });

  it('refuses every file when the supervisor has no directory', async () => {
    await using dirs = await layout();
    await expect(childFilePath(undefined, 'init_state', join(dirs.tree, 'a.toml'), undefined)).rejects.toMatchObject({
      code: 'permission-denied',
      message: `${outsideMessage('init_state', join(dirs.tree, 'a.toml'))} (it has none: it was not spawned from a manifest file)`,
    });
  });
});

describe('confineChildFiles', () => {
  const child = (lines: string, baseDir: string): ReturnType<typeof parseManifest> =>
    parseManifest(`name = "child"\nversion = "0.1.0"\n${lines}`, { handlers: [], baseDir });

  it("accepts a child whose component and init_state lie inside the directory, resolved against the child's own", async () => {
    await using dirs = await layout();
    await expect(
      confineChildFiles(child('component = "c.wasm"\ninit_state = "../a.toml"', join(dirs.tree, 'sub')), dirs.tree),
    ).resolves.toBeUndefined();
  });

  it('refuses a component or init_state outside, naming it as written', async () => {
    await using dirs = await layout();
    await expect(confineChildFiles(child('component = "../outside/c.wasm"', dirs.tree), dirs.tree)).rejects.toMatchObject({
      code: 'permission-denied',
      message: outsideMessage('component', '../outside/c.wasm'),
    });
    await expect(confineChildFiles(child('component = "c.wasm"\ninit_state = "door/state"', dirs.tree), dirs.tree)).rejects.toMatchObject({
      code: 'permission-denied',
      message: outsideMessage('init_state', 'door/state'),
    });
    // A component reference (`store:…`) is read as a path against the manifest's directory, like any other.
    await expect(confineChildFiles(child('component = "store:abc"', dirs.tree), dirs.tree)).resolves.toBeUndefined();
  });
});
