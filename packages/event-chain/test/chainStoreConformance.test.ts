/** The chain store conformance suite, run against every store: level in temp directories (alone, and as the index of a chain log), and memory. */
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

chainStoreConformance('level store indexing a chain log', {
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'theater-chain-conformance-log-'));
    dirs.push(dir);
    return openChainStore(join(dir, 'db'), { log: { dir: join(dir, 'log') } });
  },
  async cleanup() {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  },
});

chainStoreConformance('memory store', { open: openMemoryChainStore });
