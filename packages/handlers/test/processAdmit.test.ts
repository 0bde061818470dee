/**
 * The process handler's admit compares a child's cwd with its parent's by real path just before the child starts
 * (excess did so when the supervisor asked; a symlink may be swapped in between, while the component loads).
 */
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdmitContext, Manifest } from '@theater/kernel';
import { processHandler, type ProcessHandlerConfig } from '../src/processHandler.js';

let base: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'theater-admit-')));
  await mkdir(join(base, 'pcwd', 'inside'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await symlink(join(base, 'outside'), join(base, 'pcwd', 'swapped'));
});

afterEach(() => rm(base, { recursive: true, force: true }));

function admitting(cwd: string): AdmitContext<ProcessHandlerConfig> {
  const grant = (dir: string): ProcessHandlerConfig => ({
    type: 'process',
    allowedPrograms: ['ls'],
    maxProcesses: 1,
    maxOutputBuffer: 1024,
    cwd: dir,
  });
  const manifest = (name: string): Manifest => ({ name, baseDir: base }) as Manifest;
  return {
    actorId: 'child',
    manifest: manifest('child'),
    config: grant(cwd),
    field: (...path) => ['handler[2]', ...path.map((part) => `.${part}`)].join(''),
    parent: { actorId: 'parent', manifest: manifest('parent'), config: grant('pcwd') },
    resource: () => Promise.reject(new Error('no resources here')),
  };
}

describe('process admit', () => {
  it("admits a child cwd really inside its parent's and refuses one that a symlink leads out", async () => {
    await expect(processHandler.admit!(admitting('pcwd/inside'))).resolves.toBeUndefined();
    await expect(processHandler.admit!(admitting('pcwd/swapped'))).rejects.toMatchObject({
      code: 'permission-denied',
      message: `handler[2].cwd: child child's process directory ${join(base, 'pcwd', 'swapped')} leads to ${join(base, 'outside')}, outside its parent's ${join(base, 'pcwd')}`,
    });
  });
});
