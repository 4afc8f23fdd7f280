// Vitest global setup for the security suite: starts with no figures, and at the end prints every
// recorded row as one table and writes it to results/latest.json (test-results/ for a partial run).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { FIGURES_FILE, SECURITY_DIR, type Figure } from './figures';

export function setup(): void {
  rmSync(FIGURES_FILE, { force: true });
}

const KIND_TITLES: Record<Figure['kind'], string> = {
  attack: 'Attacks',
  fuzz: 'Fuzz',
  load: 'Load',
  fault: 'Faults',
};

/** The table as Markdown, the form the README shows. */
export function formatTable(figures: readonly Figure[]): string {
  const lines: string[] = [];
  for (const kind of Object.keys(KIND_TITLES) as Figure['kind'][]) {
    const rows = figures.filter((f) => f.kind === kind);
    if (rows.length === 0) continue;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r.figures)))];
    lines.push(`| ${KIND_TITLES[kind]} | ${columns.join(' | ')} | note |`);
    lines.push(`|---|${columns.map(() => '---:|').join('')}---|`);
    for (const row of rows) {
      const cells = columns.map((c) => {
        const v = row.figures[c];
        return v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(1);
      });
      lines.push(`| ${row.name} | ${cells.join(' | ')} | ${row.note ?? ''} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function teardown(): void {
  if (!existsSync(FIGURES_FILE)) return;
  const figures = readFileSync(FIGURES_FILE, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Figure);
  const table = formatTable(figures);
  console.log(`\nSecurity figures\n\n${table}`);
  // Only a whole run (every kind of row) replaces the committed figures; a run of some files writes beside
  // its other output in the ignored test-results/.
  const whole = (Object.keys(KIND_TITLES) as Figure['kind'][]).every((kind) =>
    figures.some((f) => f.kind === kind),
  );
  const results = join(SECURITY_DIR, whole ? 'results' : 'test-results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, 'latest.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2)}\n`,
  );
  writeFileSync(join(results, 'latest.md'), table);
}
