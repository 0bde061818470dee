import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testActorComponent } from '@theater/test-actors';
import { ComponentCache, MAX_COMPONENT_BYTES } from '../src/component/componentCache.js';
import { tempDir } from './tempDir.js';

describe('component cache', () => {
  it('transpiles once, then serves from memory and, in a new cache, from disk', async () => {
    await using home = await tempDir();
    const path = testActorComponent('small');
    const first = new ComponentCache(home.path);
    const a = await first.load(path);
    const b = await first.load(path);
    const c = await new ComponentCache(home.path).load(path);
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['transpiled', 'memory', 'disk']);
    expect(c.component).toEqual(a.component);
    expect(a.component.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await readdir(join(home.path, 'components'))).toEqual([a.component.hash]);
  });

  it('writes glue that imports no module, so an actor gets nothing but the imports the kernel hands it', async () => {
    await using home = await tempDir();
    for (const name of ['small', 'echo'] as const) {
      const { component } = await new ComponentCache(home.path).load(testActorComponent(name));
      const glue = await readFile(component.gluePath, 'utf8');
      expect(glue).not.toMatch(/^\s*import\s/m);
      expect(glue).not.toMatch(/\brequire\s*\(/);
      expect(glue).not.toContain('preview2-shim');
      // The one dynamic import is jco's fallback core-module loader, unused: the kernel passes getCoreModule.
      expect([...glue.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g)].map((m) => m[1])).toEqual(['node:fs/promises']);
      expect(glue).toMatch(/if \(!getCoreModule\) getCoreModule = /);
    }
  });

  it('identifies a component by the SHA-256 of its bytes', async () => {
    await using home = await tempDir();
    const path = testActorComponent('small');
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    expect((await new ComponentCache(home.path).load(path)).component.hash).toBe(expected);
  });

  it('replaces a damaged or outdated cache entry instead of failing', async () => {
    await using home = await tempDir();
    const path = testActorComponent('small');
    const { component } = await new ComponentCache(home.path).load(path);
    const meta = join(home.path, 'components', component.hash, 'meta.json');
    await writeFile(meta, '{"format":"an-old-format"}');
    const again = await new ComponentCache(home.path).load(path);
    expect(again.outcome).toBe('transpiled');
    expect(JSON.parse(await readFile(meta, 'utf8'))).toMatchObject({ hash: component.hash });
  });

  it('refuses a directory, a FIFO or a device as the component at once, naming the component field', { timeout: 10_000 }, async () => {
    await using home = await tempDir();
    const cache = new ComponentCache(home.path);
    const fifo = join(home.path, 'pipe.wasm');
    execFileSync('mkfifo', [fifo]);
    const cases = [
      [home.path, 'a directory'],
      ['/', 'a directory'],
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a character device'],
      ['/dev/urandom', 'a character device'],
    ] as const;
    for (const [path, kind] of cases) {
      await expect(cache.load(path)).rejects.toMatchObject({
        code: 'invalid-component',
        message: `component: ${path} is ${kind}, not a regular file`,
      });
    }
  });

  it('refuses a component file over the size limit without reading it', async () => {
    await using home = await tempDir();
    const path = join(home.path, 'huge.wasm');
    await writeFile(path, '');
    await truncate(path, 3 * 2 ** 30);
    await expect(new ComponentCache(home.path).load(path)).rejects.toMatchObject({
      code: 'component-too-large',
      message: `component: ${path} is ${3 * 2 ** 30} bytes; the limit is ${MAX_COMPONENT_BYTES / 2 ** 20} MiB`,
    });
  });

  it('refuses a component that does not exist, naming the component field', async () => {
    await using home = await tempDir();
    const path = join(home.path, 'missing.wasm');
    await expect(new ComponentCache(home.path).load(path)).rejects.toMatchObject({
      code: 'component-not-found',
      message: `component: ${path} does not exist`,
    });
  });

  it('compiles core modules once per memory cap', async () => {
    await using home = await tempDir();
    const cache = new ComponentCache(home.path);
    const { component } = await cache.load(testActorComponent('small'));
    const first = await cache.compile(component, 16);
    expect(await cache.compile(component, 16)).toBe(first);
    expect(await cache.compile(component, 32)).not.toBe(first);
    expect(Object.keys(first)).toEqual(component.coreModules);
  });
});
