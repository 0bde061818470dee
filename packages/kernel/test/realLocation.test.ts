/** realLocation and isInside on real directories and symlinks in a temp dir. */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInside, realLocation } from '../src/files/realLocation.js';

let base: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'theater-real-')));
  await mkdir(join(base, 'root', 'sub'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'root', 'file'), 'x');
  await symlink(join(base, 'outside'), join(base, 'root', 'out'));
  await symlink(join(base, 'nowhere'), join(base, 'root', 'dangling'));
  await symlink(join(base, 'root', 'loop'), join(base, 'root', 'loop'));
});

afterEach(() => rm(base, { recursive: true, force: true }));

describe('realLocation', () => {
  it('resolves symlinks on the existing part and keeps the missing rest as written', () => {
    expect(realLocation(join(base, 'root', 'sub'))).toBe(join(base, 'root', 'sub'));
    expect(realLocation(join(base, 'root', 'sub', 'later', 'deeper'))).toBe(join(base, 'root', 'sub', 'later', 'deeper'));
    expect(realLocation(join(base, 'root', 'out', 'later'))).toBe(join(base, 'outside', 'later'));
    expect(realLocation(join(base, 'root', 'sub', '..', 'out'))).toBe(join(base, 'outside'));
  });

  it('keeps a path under a file inside its directory instead of throwing', () => {
    expect(realLocation(join(base, 'root', 'file', 'x'))).toBe(join(base, 'root', 'file', 'x'));
  });

  it('cannot tell where a dangling or looping symlink leads', () => {
    expect(realLocation(join(base, 'root', 'dangling'))).toBeUndefined();
    expect(realLocation(join(base, 'root', 'dangling', 'x'))).toBeUndefined();
    expect(realLocation(join(base, 'root', 'loop'))).toBeUndefined();
  });
});

describe('isInside', () => {
  it('holds for the root and what lies under it, not for a sibling sharing its prefix', () => {
    expect(isInside('/srv/app', '/srv/app')).toBe(true);
    expect(isInside('/srv/app/data', '/srv/app')).toBe(true);
    expect(isInside('/srv/application', '/srv/app')).toBe(false);
    expect(isInside('/srv', '/srv/app')).toBe(false);
    expect(isInside('/anything', '/')).toBe(true);
  });
});
