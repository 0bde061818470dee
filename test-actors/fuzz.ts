/**
 * Settings shared by every `*.fuzz.test.ts`: how many cases a property runs and from which seed, so `pnpm test`
 * runs a bounded number and `pnpm fuzz` (scripts/fuzz.mjs) many more, and any failure reproduces from its seed.
 *
 * - `THEATER_FUZZ_RUNS`: the number of cases of an in-process property (unset: each property's small default).
 * - `THEATER_FUZZ_SEED`: the seed (unset: a fresh one, printed).
 *
 * @example
 * fc.assert(fc.property(fc.string(), check), fuzzParameters('manifest text', { runs: 200 }));
 */

/** What `fc.assert` takes from these settings. */
export interface FuzzParameters {
  readonly numRuns: number;
  readonly seed: number;
}

/** Options of {@link fuzzParameters}. */
export interface FuzzOptions {
  /** The number of cases under `pnpm test` (no `THEATER_FUZZ_RUNS`). */
  readonly runs: number;
  /**
   * How many in-process cases one case of this property costs (e.g. 50 for one that starts a process): under
   * `THEATER_FUZZ_RUNS` it runs that many times fewer cases, never fewer than `runs`.
   */
  readonly cost?: number;
}

const seed = readSeed();

/** The number of runs and the seed of the property named `name`, printed so a failing run can be repeated. */
export function fuzzParameters(name: string, options: FuzzOptions): FuzzParameters {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1)
    throw new RangeError(`expected runs as a positive integer, got ${options.runs}`);
  const requested = readRuns();
  const numRuns = requested === undefined ? options.runs : Math.max(options.runs, Math.ceil(requested / (options.cost ?? 1)));
  console.info(`fuzz ${name}: ${numRuns} runs, THEATER_FUZZ_SEED=${seed}`);
  return { numRuns, seed };
}

/** The seed of this test process, for fuzzing done outside fast-check (e.g. when to kill a process). */
export function fuzzSeed(): number {
  return seed;
}

/** The number of trials of a slow, hand-rolled fuzz loop: `bounded` under `pnpm test`, more under `pnpm fuzz`. */
export function fuzzTrials(name: string, bounded: number, cost: number): number {
  return fuzzParameters(name, { runs: bounded, cost }).numRuns;
}

function readRuns(): number | undefined {
  const value = process.env['THEATER_FUZZ_RUNS'];
  if (value === undefined || value === '') return undefined;
  const runs = Number(value);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new RangeError(`expected THEATER_FUZZ_RUNS as a positive integer, got ${JSON.stringify(value)}`);
  return runs;
}

function readSeed(): number {
  const value = process.env['THEATER_FUZZ_SEED'];
  if (value === undefined || value === '') return (Math.random() * 0x7fffffff) | 0;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`expected THEATER_FUZZ_SEED as an integer, got ${JSON.stringify(value)}`);
  return parsed | 0;
}
