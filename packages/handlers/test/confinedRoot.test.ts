/**
 * The filesystem handler's confinement core on real directories: lexical normalisation, and a symlink swapped in
 * between a path's check and its use (the window a guest call cannot open on demand, so it is opened here by running
 * the swap right after the check).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConfinedRoot, normalise, type ConfinedRoot } from '../src/filesystem/confinedRoot.js';
import { createFileOperations } from '../src/filesystem/fileOperations.js';

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'theater-confined-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'd'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'd', 'x'), 'inside');
  await writeFile(join(outside, 'x'), 'outside');
});

afterEach(() => rm(base, { recursive: true, force: true }));

/** Replaces root/d by a symlink to the outside directory (keeping the real d as d-old). */
async function swapDirectory(): Promise<void> {
  await rename(join(root, 'd'), join(root, 'd-old'));
  await symlink(outside, join(root, 'd'));
}

/** The root, with `swap` run once, right after the first path check. */
function racing(swap: () => Promise<void>): ConfinedRoot {
  const confined = createConfinedRoot(root);
  let swapped = false;
  return {
    ...confined,
    async locate(path) {
      const located = await confined.locate(path);
      if (!swapped) {
        swapped = true;
        await swap();
      }
      return located;
    },
  };
}

describe('normalise', () => {
  it('resolves `.` and `..` on the text and refuses what leaves the root or is not a plain relative path', () => {
    expect(normalise('')).toEqual([]);
    expect(normalise('.')).toEqual([]);
    expect(normalise('a//b/./c/')).toEqual(['a', 'b', 'c']);
    expect(normalise('a/../b')).toEqual(['b']);
    expect(normalise('%2e%2e%2fx')).toEqual(['%2e%2e%2fx']);
    expect(normalise('...')).toEqual(['...']);
    expect(() => normalise('..')).toThrow('permission-denied: path ".." leaves the root');
    expect(() => normalise('a/../../b')).toThrow('permission-denied: path "a/../../b" leaves the root');
    expect(() => normalise('/a')).toThrow('permission-denied: path "/a" is absolute; paths are relative to the root');
    expect(() => normalise('a\0')).toThrow('permission-denied: path "a\\u0000" contains a NUL byte');
    expect(() => normalise('a\\b')).toThrow('permission-denied: path "a\\\\b" contains a backslash; the only separator is /');
  });
});

describe('a symlink swapped in after the check', () => {
  it('is refused when it replaces a directory of the path: the opened handle is verified', async () => {
    const confined = createConfinedRoot(root);
    const located = await confined.locate('d/x');
    await swapDirectory();
    await expect(confined.openDirectory(dirname(located.real), 'd')).rejects.toThrow(
      'permission-denied: path "d" leads outside the root (it changed while in use)',
    );
  });

  it('is refused when it replaces the last component: it is opened without following symlinks', async () => {
    const confined = createConfinedRoot(root);
    const located = await confined.locate('d/x');
    const directory = await confined.openDirectory(dirname(located.real), 'd');
    try {
      await unlink(join(root, 'd', 'x'));
      await symlink(join(outside, 'x'), join(root, 'd', 'x'));
      await expect(confined.openIn(directory, 'x', constants.O_RDONLY, 'd/x')).rejects.toThrow(
        'permission-denied: path "d/x" became a symlink while in use',
      );
    } finally {
      await directory.close();
    }
  });

  it('does not reach a directory opened before the swap: the handle keeps naming the checked one', async () => {
    const confined = createConfinedRoot(root);
    const directory = await confined.openDirectory(join(root, 'd'), 'd');
    try {
      await swapDirectory();
      const file = await confined.openIn(directory, 'x', constants.O_RDONLY, 'd/x');
      expect(await file.readFile('utf8')).toBe('inside');
      await file.close();
    } finally {
      await directory.close();
    }
  });

  it('stops every file function mid-call, and nothing outside is read, created or removed', async () => {
    for (const [name, call] of [
      ['read-file', (files: ReturnType<typeof createFileOperations>) => files.readFile('d/x')],
      ['write-file', (files: ReturnType<typeof createFileOperations>) => files.writeFile('d/x', 'changed')],
      ['write-file (new file)', (files: ReturnType<typeof createFileOperations>) => files.writeFile('d/new', 'created')],
      ['list-files', (files: ReturnType<typeof createFileOperations>) => files.listFiles('d')],
      ['create-dir', (files: ReturnType<typeof createFileOperations>) => files.createDir('d/new/deeper')],
      ['delete-file', (files: ReturnType<typeof createFileOperations>) => files.deleteFile('d/x')],
    ] as const) {
      const files = createFileOperations(racing(swapDirectory));
      await expect(call(files), name).rejects.toThrow(/^permission-denied: path "d(\/x)?" leads outside the root/u);
      expect(await readdir(outside), name).toEqual(['x']);
      expect(await readFile(join(outside, 'x'), 'utf8'), name).toBe('outside');
      // Undo the swap for the next function.
      await unlink(join(root, 'd'));
      await rename(join(root, 'd-old'), join(root, 'd'));
    }
  });

  it('deletes a tree without following a symlink in it, even one swapped in after the check', async () => {
    await mkdir(join(root, 'tree', 'sub'), { recursive: true });
    await writeFile(join(root, 'tree', 'sub', 'f'), 'f');
    const files = createFileOperations(
      racing(async () => {
        await rename(join(root, 'tree', 'sub'), join(root, 'sub-old'));
        await symlink(outside, join(root, 'tree', 'sub'));
      }),
    );
    await files.deleteDir('tree');
    // The symlink is removed as an entry; the directory it named is untouched.
    expect(await readdir(outside)).toEqual(['x']);
    expect((await readdir(root)).sort()).toEqual(['d', 'sub-old']);
  });
});
