/**
 * Fuzzes replay with changed chain files: a real export of echo, mutated (see @theater/test-actors/chain-file-mutations),
 * replayed from the file. A changed file never replays as a match; each attempt ends with a divergence or an error
 * with a code, never another error, within a time bound. Runs: THEATER_FUZZ_RUNS; seed: THEATER_FUZZ_SEED.
 */
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

/**
 * Known defects being fixed on other branches; the bounded runs under `pnpm test` tolerate these outcomes until those
 * fixes are merged, then this list is emptied. `pnpm fuzz` (THEATER_FUZZ_RUNS set) never tolerates them.
 * - 4: replay accepts a tampered chain that `chain verify` rejects (a changed file replays as a match).
 * - 5: replay of corrupted event data throws an uncoded SyntaxError or TypeError.
 */

let home: Awaited<ReturnType<typeof tempDir>>;
let system: ActorSystem;
/** An export of echo after sends, requests and a stop. */
let file: Uint8Array;

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
});

afterAll(async () => {
  await system.close();
  await home[Symbol.asyncDispose]();
});

describe('replay of chain files, fuzzed', () => {
  it('replays the unmodified export as a match', async () => {
    expect(await system.replay(readChainFile(file).events())).toMatchObject({ ok: true });
  });

  it('never replays a changed chain file as a match, and fails only with coded errors, in bounded time', async () => {
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
        expect(accepted).toBe(false);
      }),
      { ...fuzzParameters('replay: changed chain files', { runs: 100, cost: 4 }), timeout: TIME_BOUND_MS },
    );
  });
});
