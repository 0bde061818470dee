/**
 * Fuzzes chain files: a real export, mutated (bit flips, overwrites, truncation, insertion, appended garbage, frames
 * reordered, dropped or repeated). `verifyChainFile` and `importChain` accept only the unmodified bytes: any change is
 * an invalid verdict or a ChainError with a code, never another error, and each answers within a time bound.
 * Runs: THEATER_FUZZ_RUNS; seed: THEATER_FUZZ_SEED (see @theater/test-actors/fuzz).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagCbor from '@ipld/dag-cbor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedChainFile } from '@theater/test-actors/chain-file-mutations';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { verifyChainFile } from '../src/chainFile.js';
import { isChainError } from '../src/chainError.js';
import { openChainStore, openMemoryChainStore } from '../src/chainStore.js';
import { createCheckpoint, encodeCheckpoint } from '../src/checkpoint.js';
import { loadOrCreateNodeKey, type NodeKey } from '../src/nodeKey.js';
import { verifyWithStoredCheckpoints } from '../src/verifyChain.js';

const ACTOR = 'counter';
const EVENTS = 30;
/** The longest one verification or import of a small file may take, even on a loaded machine. */
const TIME_BOUND_MS = 5000;
/** How much the resident set may grow while fuzzing: a declared frame length must never be allocated up front. */
const MEMORY_BOUND_BYTES = 256 * 1024 * 1024;

/**
 * Known defects being fixed on other branches; the bounded runs under `pnpm test` leave these properties out until
 * those fixes are merged, then this list is emptied. `pnpm fuzz` (THEATER_FUZZ_RUNS set) always runs them.
 * - 10: verifying with trusted keys accepts a file whose checkpoints were stripped (the header's count rewritten).
 */

let home: string;
let nodeKey: NodeKey;
/** A real export of ACTOR: EVENTS events, signed checkpoints at seqs 14 and 29. */
let file: Uint8Array;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'theater-chain-fuzz-'));
  nodeKey = await loadOrCreateNodeKey(join(home, 'keys'));
  await using store = await openChainStore(join(home, 'store'));
  for (let start = 0; start < EVENTS; start += 15) {
    const appended = await store.append(
      ACTOR,
      Array.from({ length: 15 }, (_, i) => ({
        type: 'test.tick',
        data: new TextEncoder().encode(`tick ${start + i}`),
        time: 1_700_000_000_000 + start + i,
      })),
    );
    const head = appended.at(-1)!;
    await store.putCheckpoint(ACTOR, head.seq, encodeCheckpoint(createCheckpoint(ACTOR, head, nodeKey, 1_700_000_100_000 + head.seq)));
  }
  file = concat(await collect(store.exportChain(ACTOR)));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Runs `operation`, failing the property when it takes longer than the time bound or the process grows too much. */
async function bounded<T>(operation: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await operation();
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  expect(process.memoryUsage().rss - baselineRss).toBeLessThan(MEMORY_BOUND_BYTES);
  return result;
}
let baselineRss = 0;

/** What an operation on a changed file ended with: a verdict or a coded ChainError; anything else fails. */
async function outcome<T>(operation: () => Promise<T>): Promise<{ value: T } | { code: string }> {
  try {
    return { value: await bounded(operation) };
  } catch (error) {
    if (isChainError(error)) return { code: error.code };
    throw error;
  }
}

describe('chain files, fuzzed', () => {
  beforeAll(() => {
    baselineRss = process.memoryUsage().rss;
  });

  it('verifies the unmodified export', async () => {
    expect((await verifyChainFile(file, { trustedKeys: [nodeKey.publicKey] })).result).toEqual({ ok: true, events: EVENTS });
  });

  it('rejects every change to an exported file: an invalid verdict or invalid-chain-file, in bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(changedChainFile(file), async ({ bytes }) => {
        const verdict = await outcome(() => verifyChainFile(bytes, { trustedKeys: [nodeKey.publicKey] }));
        if ('code' in verdict) expect(verdict.code).toBe('invalid-chain-file');
        else expect(verdict.value.result.ok).toBe(false);
        // Without trusted keys the checkpoints' own signatures still cover the file.
        const untrusted = await outcome(() => verifyChainFile(bytes));
        if ('code' in untrusted) expect(untrusted.code).toBe('invalid-chain-file');
        else expect(untrusted.value.result.ok).toBe(false);
      }),
      { ...fuzzParameters('chain file: verify', { runs: 200 }), timeout: TIME_BOUND_MS },
    );
  });

  it('imports a changed file only as a chain that then fails verification, or refuses it with a coded ChainError', async () => {
    await fc.assert(
      fc.asyncProperty(changedChainFile(file), async ({ bytes }) => {
        // The file names its actor: a fresh store per case, so every import is under the name the file gives.
        await using store = await openMemoryChainStore();
        const imported = await outcome(() => store.importChain(bytes));
        if ('code' in imported) {
          expect(imported.code).toBe('invalid-chain-file');
          expect(await store.actors()).toEqual([]);
          return;
        }
        const { actorId } = imported.value;
        const checkpoints = await store.checkpoints(actorId);
        const result = await bounded(() =>
          verifyWithStoredCheckpoints(store.stream(actorId), checkpoints, { actorId, trustedKeys: [nodeKey.publicKey] }),
        );
        expect(result.ok).toBe(false);
      }),
      { ...fuzzParameters('chain file: import', { runs: 150 }), timeout: TIME_BOUND_MS },
    );
  });
});

describe('chain files with checkpoints stripped, fuzzed', () => {
  it('never vouches, with trusted keys, for the head of a file re-framed without the checkpoint that signs it', async () => {
    const all = frameList(file);
    const eventFrames = all.slice(1, 1 + EVENTS);
    const checkpointFrames = all.slice(1 + EVENTS);
    // Any subset of the checkpoints but the last (the one at the head), with the header's count rewritten to match.
    const kept = fc.subarray(checkpointFrames.slice(0, -1).map((_, index) => index));
    await fc.assert(
      fc.asyncProperty(kept, async (indexes) => {
        const stripped = concat([
          framed(dagCbor.encode({ format: 'theater-chain', v: 1, actor: ACTOR, events: EVENTS, checkpoints: indexes.length })),
          ...eventFrames,
          ...indexes.map((index) => checkpointFrames[index]!),
        ]);
        const verdict = await outcome(() => verifyChainFile(stripped, { trustedKeys: [nodeKey.publicKey] }));
        // Refused, or verified with its end vouched for by nothing (`chain verify --trust` then fails on that).
        if ('code' in verdict) expect(verdict.code).toBe('invalid-chain-file');
        else expect(!verdict.value.result.ok || verdict.value.coverage.unsignedEvents > 0).toBe(true);
      }),
      { ...fuzzParameters('chain file: stripped checkpoints', { runs: 10 }), timeout: TIME_BOUND_MS },
    );
  });
});

/** The frames of a well-formed chain file, length prefixes included. */
function frameList(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4 + view.getUint32(offset))
    found.push(bytes.subarray(offset, offset + 4 + view.getUint32(offset)));
  return found;
}

function framed(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
