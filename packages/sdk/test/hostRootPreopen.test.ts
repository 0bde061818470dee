import { describe, expect, it } from 'vitest';
import { componentEmbed } from '@bytecodealliance/jco';
import * as filesystem from '@bytecodealliance/preview2-shim/filesystem';
import { preopenHostRoot } from '../src/internal/hostRootPreopen.js';
import { witPath } from '../src/index.js';

// In the workspace every package resolves the one pinned preview2-shim, so `filesystem` here is the instance jco's
// wasm-tools and componentize-js's splicer read files through.
describe('preopenHostRoot', () => {
  it('gives jco the host root when its preview2-shim preopens nothing (as 0.26.1 ships)', async () => {
    filesystem._setPreopens({});
    expect(filesystem.preopens.getDirectories()).toEqual([]);
    await preopenHostRoot(['@bytecodealliance/jco', '@bytecodealliance/jco-transpile/wasm-tools']);
    expect(filesystem.preopens.getDirectories().map(([, path]) => path)).toEqual(['/']);
    const embedded = await componentEmbed({ dummy: true, witPath, world: 'minimal-actor' });
    expect(embedded.byteLength).toBeGreaterThan(0);
  });

  it('finds the preview2-shim componentize-js imports', async () => {
    filesystem._setPreopens({});
    await preopenHostRoot(['@bytecodealliance/componentize-js']);
    expect(filesystem.preopens.getDirectories().map(([, path]) => path)).toEqual(['/']);
  });
});
