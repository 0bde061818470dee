/**
 * One row of `bench/results/latest.json` and of the printed table: a figure measured in several rounds (median and
 * min–max) beside its baseline from the same run, the ratio `value / baseline`, the target and whether it is met.
 */
import { median, range } from './stats.js';

/** A benchmark row; `id` is stable across runs (compare results by it). */
export interface BenchRow {
  readonly id: string;
  readonly metric: string;
  /** The median over the rounds. */
  readonly value: number;
  readonly unit: string;
  /** The baseline's median over its rounds, in the same unit; null when the row has none. */
  readonly baseline: number | null;
  /** `value / baseline`; null without a baseline. */
  readonly ratio: number | null;
  readonly target: string;
  /** Whether the target is met; null for rows reported without a target, or not measurable as specified. */
  readonly met: boolean | null;
  /** min–max of `value` over the rounds. */
  readonly range: readonly [number, number];
  readonly baselineRange: readonly [number, number] | null;
  /** What the baseline is. */
  readonly baselineIs: string;
  readonly rounds: number;
  /** What the reader must know to trust the row (e.g. a placement the kernel does not offer yet). */
  readonly note?: string;
}

/** What a row is made from: the rounds' figures and a check of the target. */
export interface RowInput {
  readonly id: string;
  readonly metric: string;
  readonly unit: string;
  readonly values: readonly number[];
  readonly baselineValues?: readonly number[];
  readonly baselineIs?: string;
  readonly target?: string;
  /** The target check; omitted for rows only reported. */
  readonly met?: (value: number, baseline: number | null, ratio: number | null) => boolean;
  readonly note?: string;
}

/** The row for `input`: medians, ranges, ratio and target check. */
export function benchRow(input: RowInput): BenchRow {
  const value = median(input.values);
  const baseline = input.baselineValues === undefined || input.baselineValues.length === 0 ? null : median(input.baselineValues);
  const ratio = baseline === null || baseline === 0 ? null : value / baseline;
  return {
    id: input.id,
    metric: input.metric,
    value,
    unit: input.unit,
    baseline,
    ratio,
    target: input.target ?? '(report)',
    met: input.met === undefined ? null : input.met(value, baseline, ratio),
    range: range(input.values),
    baselineRange: baseline === null ? null : range(input.baselineValues!),
    baselineIs: input.baselineIs ?? '',
    rounds: input.values.length,
    ...(input.note === undefined ? {} : { note: input.note }),
  };
}

/** A figure for the table: 3 significant digits, thousands as `k`. */
export function figure(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100_000) return `${(value / 1000).toFixed(0)}k`;
  if (abs >= 10_000) return `${(value / 1000).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The row as the printed table shows it. */
export function tableLine(row: BenchRow): Record<string, string> {
  const span = (r: readonly [number, number] | null): string => (r === null ? '' : ` [${figure(r[0])}–${figure(r[1])}]`);
  return {
    id: row.id,
    value: `${figure(row.value)}${span(row.range)} ${row.unit}`,
    baseline: row.baseline === null ? row.baselineIs : `${figure(row.baseline)}${span(row.baselineRange)} (${row.baselineIs})`,
    ratio: row.ratio === null ? '' : `${row.ratio.toFixed(2)}`,
    target: row.target,
    met: row.met === null ? '-' : row.met ? 'yes' : 'NO',
  };
}
