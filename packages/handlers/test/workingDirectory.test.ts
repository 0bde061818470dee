/**
 * The process handler's working directory on real directories: a directory swapped for a symlink between the spawn's
 * `cwd` check and the start (the window a guest call cannot open on demand, so it is opened here by running the swap
 * right after the check, in the order os-spawn runs them).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readlink, realpath, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { at } from '../src/confinement/verifiedHandle.js';
import { checkWorkingDirectory, openWorkingDirectory, workingDirectory } from '../src/process/workingDirectory.js';

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'theater-cwd-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'd', 'e'), { recursive: true });
  await mkdir(join(outside, 'e'), { recursive: true });
});

afterEach(() => rm(base, { recursive: true, force: true }));

/** Replaces root/d by a symlink to the outside directory (keeping the real d as d-old). */
async function swapDirectory(): Promise<void> {
  await rename(join(root, 'd'), join(root, 'd-old'));
  await symlink(outside, join(root, 'd'));
}

/** What `pwd` prints when started in `cwd`, the way os-spawn starts processes (no shell, no PWD from the host). */
async function pwdIn(cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pwd', [], { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  return stdout.trim();
}

/** Paths this process holds open under `dir`. */
async function openUnder(dir: string): Promise<string[]> {
  const links = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((link) => link === dir || link.startsWith(`${dir}/`));
}

describe('a symlink swapped in after the cwd check', () => {
  it('is refused when it replaces a directory of the cwd: the opened handle is verified', async () => {
    for (const cwd of ['d', 'd/e']) {
      const checked = await checkWorkingDirectory(root, cwd);
      expect(checked.real).toBe(join(root, cwd));
      await swapDirectory();
      await expect(openWorkingDirectory(checked), cwd).rejects.toThrow(
        `permission-denied: cwd ${cwd} leads outside the process directory (it changed while in use)`,
      );
      // The refused handle was closed.
      expect(await openUnder(outside), cwd).toEqual([]);
      await rm(join(root, 'd'));
      await rename(join(root, 'd-old'), join(root, 'd'));
    }
  });

  it('does not move a process started after the swap: it starts in the directory the handle was opened on', async () => {
    const directory = await openWorkingDirectory(await checkWorkingDirectory(root, 'd/e'));
    try {
      await swapDirectory();
      // By name, d/e is now outside; the process started through the handle is still in the checked directory.
      expect(await realpath(join(root, 'd', 'e'))).toBe(join(outside, 'e'));
      expect(await pwdIn(at(directory))).toBe(join(root, 'd-old', 'e'));
    } finally {
      await directory.close();
    }
  });

  it('keeps the existing answers for what is not a directory or not there, and leaves no handle open', async () => {
    await symlink(join(root, 'd'), join(root, 'inner'));
    const directory = await workingDirectory(root, 'inner');
    expect(await pwdIn(at(directory))).toBe(join(root, 'd'));
    await directory.close();
    expect(await openUnder(root)).toEqual([]);
    const checked = await checkWorkingDirectory(root, 'd/e');
    await rm(join(root, 'd', 'e'), { recursive: true });
    await expect(openWorkingDirectory(checked)).rejects.toThrow('cwd d/e does not exist');
    await expect(workingDirectory(root, 'gone')).rejects.toThrow('cwd gone does not exist');
  });
});
