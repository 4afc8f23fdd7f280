// The figures the security suite prints at the end: each test file records rows here (one JSON line each,
// in test-results/figures.jsonl), and the global teardown prints them as one table and writes
// results/latest.json, which the README's table is copied from.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SECURITY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIGURES_FILE = join(SECURITY_DIR, 'test-results', 'figures.jsonl');

export type FigureKind = 'attack' | 'fuzz' | 'load' | 'fault';

export interface Figure {
  kind: FigureKind;
  /** The attack class, fuzz target, load scenario or fault. */
  name: string;
  /**
   * attack: tried / accepted; fuzz: inputs / 5xx (+ crashes, hangs); load: operations / errors / per
   * second / p50 / p99 (ms); fault: tried / survived.
   */
  figures: Record<string, number>;
  note?: string;
}

/** Records one row of the final table. */
export function record(figure: Figure): void {
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify(figure)}\n`);
}
