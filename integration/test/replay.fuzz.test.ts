/**
 * Fuzzes replay with changed chain files: a real export of echo, mutated (see @theater/test-actors/chain-file-mutations),
 * its events replayed through the kernel's API. Replay verifies the events it reads (order, links, hashes), so a file
 * whose events changed never replays as a match; each attempt ends with a divergence or an error with a code, never
 * another error, within a time bound. Changes outside the events (checkpoints, header, trailing bytes) are for
 * `verifyChainFile`, which `theater replay` runs first (fuzzed in apps/cli and packages/event-chain).
 * Runs: THEATER_FUZZ_RUNS; seed: THEATER_FUZZ_SEED.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlers } from '@theater/handlers';
import { isChainError, readChainFile } from '@theater/event-chain';
import { createActorSystem, isKernelError, type ActorSystem } from '@theater/kernel';
import { changedChainFile } from '@theater/test-actors/chain-file-mutations';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { manifestOf, tempDir, text } from './helpers.js';

/** The longest one replay of a short chain may take, even on a loaded machine. */
const TIME_BOUND_MS = 10_000;

let home: Awaited<ReturnType<typeof tempDir>>;
let system: ActorSystem;
/** An export of echo after sends, requests and a stop. */
let file: Uint8Array;
/** Its events' hashes, in order. */
let hashes: string[];

beforeAll(async () => {
  home = await tempDir();
  system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
  const echo = await system.spawn(await manifestOf('echo'));
  await echo.send(text('one'));
  await echo.request(text('stored'));
  await echo.request(text('echo me'));
  await echo.stop();
  const chunks: Uint8Array[] = [];
  for await (const chunk of system.exportChain(echo.id)) chunks.push(chunk);
  file = new Uint8Array(Buffer.concat(chunks));
  hashes = (await system.events(echo.id)).map((event) => bytesToHex(event.hash));
});

/** The hashes of the events a chain file holds, as far as they can be read. */
async function eventHashes(bytes: Uint8Array): Promise<string[]> {
  const read: string[] = [];
  try {
    await using reader = readChainFile(bytes);
    for await (const event of reader.events()) read.push(bytesToHex(event.hash));
  } catch {
    // A malformed file holds what was read before the problem.
  }
  return read;
}

afterAll(async () => {
  await system.close();
  await home[Symbol.asyncDispose]();
});

describe('replay of chain files, fuzzed', () => {
  it('replays the unmodified export as a match', async () => {
    expect(await system.replay(readChainFile(file).events())).toMatchObject({ ok: true });
  });

  it('never replays a chain file whose events changed as a match, and fails only with coded errors, in bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(changedChainFile(file), async ({ bytes }) => {
        const started = performance.now();
        let accepted = false;
        try {
          await using reader = readChainFile(bytes);
          accepted = (await system.replay(reader.events())).ok;
        } catch (error) {
          expect(isChainError(error) || isKernelError(error), String(error)).toBe(true);
        }
        expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
        // Accepted only when every event is the recorded one (same hashes, which replay checked against contents).
        if (accepted) expect(await eventHashes(bytes)).toEqual(hashes);
      }),
      { ...fuzzParameters('replay: changed chain files', { runs: 100, cost: 4 }), timeout: TIME_BOUND_MS },
    );
  });
});
