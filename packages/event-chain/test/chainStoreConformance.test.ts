/** The chain store conformance suite, run against both stores: level in temp directories, and memory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChainStore, openMemoryChainStore } from '../src/chainStore.js';
import { chainStoreConformance } from '../src/testing/index.js';

const dirs: string[] = [];
chainStoreConformance('level store', {
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'theater-chain-conformance-'));
    dirs.push(dir);
    return openChainStore(dir);
  },
  async cleanup() {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  },
});

chainStoreConformance('memory store', { open: openMemoryChainStore });
