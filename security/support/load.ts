// Running many operations at once and summarising them: count, errors, rate and latency percentiles.
import { performance } from 'node:perf_hooks';

export interface LoadSummary {
  operations: number;
  errors: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  /** The distinct error names seen (never their messages). */
  errorNames: string[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

/** Starts `count` operations at once and waits for all; each one's time is from the common start. */
export async function runConcurrently(
  count: number,
  operation: (index: number) => Promise<unknown>,
): Promise<LoadSummary> {
  const durations: number[] = [];
  const errorNames = new Set<string>();
  let errors = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const started = performance.now();
      try {
        await operation(index);
        durations.push(performance.now() - started);
      } catch (error) {
        errors += 1;
        errorNames.add(error instanceof Error ? error.name : typeof error);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  durations.sort((a, b) => a - b);
  return {
    operations: count,
    errors,
    perSecond: durations.length / seconds,
    p50ms: percentile(durations, 0.5),
    p99ms: percentile(durations, 0.99),
    errorNames: [...errorNames],
  };
}

/** Runs `operation` for every item with at most `limit` in flight (setup work, not measured). */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  operation: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await operation(items[index] as T, index);
      }
    }),
  );
}

/** The median time of `count` operations run one after another: the baseline a load figure is read against. */
export async function medianAlone(
  count: number,
  operation: (index: number) => Promise<unknown>,
): Promise<number> {
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await operation(index);
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  return percentile(durations, 0.5);
}
