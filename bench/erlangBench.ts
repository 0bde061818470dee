/**
 * Erlang/OTP as a reference for the same shapes (bench/erlang/theater_ref.erl): spawn, a request round trip between
 * two processes, one-way sends per pair. Runs only where `erl` and `erlc` are on PATH (Debian: `erlang-base`);
 * elsewhere it says why and the rows are left out, not the bench.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from './paths.js';
import { benchRow, type BenchRow } from './row.js';

const run = promisify(execFile);

/** Erlang's figures, one per round. */
export interface ErlangFigures {
  readonly spawnUs: number[];
  readonly requestUs: number[];
  readonly sendsPerSecond: number[];
}

/** Erlang's figures, or why there are none. */
export async function measureErlang(rounds: number): Promise<ErlangFigures | { skipped: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'theater-bench-erl-'));
  try {
    try {
      await run('erlc', ['-o', dir, repoPath('bench', 'erlang', 'theater_ref.erl')]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        skipped: code === 'ENOENT' ? 'erlc/erl not on PATH (Debian: apt-get install erlang-base)' : `erlc failed: ${String(error)}`,
      };
    }
    const { stdout } = await run('erl', ['-noshell', '-pa', dir, '-s', 'theater_ref', 'main', String(rounds)], { timeout: 120_000 });
    return JSON.parse(stdout.trim()) as ErlangFigures;
  } catch (error) {
    return { skipped: `erl failed: ${String(error)}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Theater's figures for the same shapes, one per round (spawn in ms, requests in µs, sends per second per pair). */
export interface TheaterShapes {
  readonly spawnMs: readonly number[];
  readonly requestUs: readonly number[];
  readonly sendsPerSecond: readonly number[];
}

/** Rows of theater's figure beside Erlang's: the ratio is the gap (theater / Erlang; for sends, below 1 is slower). */
export function erlangRows(erlang: ErlangFigures, theater: TheaterShapes): BenchRow[] {
  const note = 'reference: Erlang/OTP pays for no sandbox, durability or hashing';
  return [
    benchRow({
      id: 'erlang-spawn',
      metric: 'small-actor spawn p50 vs an Erlang process spawn (awaited until it reports ready)',
      unit: 'µs',
      values: theater.spawnMs.map((ms) => ms * 1000),
      baselineValues: erlang.spawnUs,
      baselineIs: 'Erlang/OTP spawn, µs',
      note,
    }),
    benchRow({
      id: 'erlang-request-rt',
      metric: 'request round trip, small actors in one worker vs two Erlang processes',
      unit: 'µs',
      values: theater.requestUs,
      baselineValues: erlang.requestUs,
      baselineIs: 'Erlang/OTP request round trip, µs',
      note,
    }),
    benchRow({
      id: 'erlang-send-per-pair',
      metric: 'sends per pair vs one Erlang process sending to another',
      unit: 'msg/s',
      values: theater.sendsPerSecond,
      baselineValues: erlang.sendsPerSecond,
      baselineIs: 'Erlang/OTP sends/s',
      note,
    }),
  ];
}
