// One row of `npm run bench`'s table: a figure and the baseline it is measured against in the same run, on
// the same machine, so that the ratio means the same on a laptop and on a shared 2-core runner.

export interface BenchRow {
  /** What is measured, e.g. `cold init: verify-auth-challenge-response`. */
  name: string;
  /** The figure, in `unit`. */
  value: number;
  /** What it is compared with, measured side by side in this run (or a fixed budget for sizes). */
  baseline: number;
  /** The baseline's name, e.g. `bare node start`. */
  baselineName: string;
  unit: string;
  /** value / baseline; `higherIsBetter` says which way is good. */
  ratio: number;
  higherIsBetter: boolean;
  /** The goal for the ratio, if the project has one (e.g. ≤ 1 for a size budget). */
  goal?: string;
  /** Anything a reader needs: sample counts, percentiles, requests per sign-in. */
  note?: string;
}

/** A row whose ratio is value / baseline (lower is better: sizes, times). */
export function lowerIsBetter(row: Omit<BenchRow, 'ratio' | 'higherIsBetter'>): BenchRow {
  return { ...row, ratio: row.value / row.baseline, higherIsBetter: false };
}

/** A row whose ratio is value / baseline, where higher is better (throughput as a share of a baseline). */
export function higherIsBetter(row: Omit<BenchRow, 'ratio' | 'higherIsBetter'>): BenchRow {
  return { ...row, ratio: row.value / row.baseline, higherIsBetter: true };
}

/** A bench module: `npm run bench` runs each and prints every row in one table. */
export type Bench = () => Promise<BenchRow[]>;

/** Percentile of an ascending-sorted sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** A difference with its sign, e.g. `+0.12` or `−0.03`. */
export function signed(value: number, digits: number): string {
  return `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(digits)}`;
}
