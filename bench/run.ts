// `npm run bench`: runs every `bench/*.bench.ts` (each exports `run: Bench`), prints one table of figures
// against baselines measured in the same run, and writes `results/latest.json`. `--only <name>` runs one
// file (`--only triggers` for `triggers.bench.ts`). A bench that throws is skipped with a note; the others
// still run. Prints only: nothing here passes or fails on time.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { Bench, BenchRow } from './table';

const HERE = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

interface Skipped {
  bench: string;
  note: string;
}

function parseOnly(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--only');
  if (index === -1) return undefined;
  const name = argv[index + 1];
  if (name === undefined || name.startsWith('--')) throw new TypeError('--only needs a bench name');
  return name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : name;
}

const number = (value: number, unit: string): string => {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

function printTable(rows: readonly BenchRow[]): void {
  const header = ['name', 'value', 'baseline', 'ratio', 'goal', 'note'];
  const cells = rows.map((row) => [
    row.name,
    number(row.value, row.unit),
    `${number(row.baseline, row.unit)} (${row.baselineName})`,
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}×${row.higherIsBetter ? ' ↑' : ''}` : '–',
    row.goal ?? '',
    row.note ?? '',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const values of cells) console.log(line(values));
}

const only = parseOnly(process.argv.slice(2));
const names = (await readdir(HERE))
  .filter((file) => file.endsWith(SUFFIX))
  .map((file) => file.slice(0, -SUFFIX.length))
  .sort();
if (only !== undefined && !names.includes(only)) {
  console.error(`no bench named ${only}; there are: ${names.join(', ')}`);
  process.exit(2);
}

const rows: BenchRow[] = [];
const skipped: Skipped[] = [];
for (const bench of only === undefined ? names : [only]) {
  const started = Date.now();
  console.error(`bench ${bench} …`);
  try {
    const module = (await import(pathToFileURL(join(HERE, `${bench}${SUFFIX}`)).href)) as { run?: unknown };
    if (typeof module.run !== 'function') {
      skipped.push({ bench, note: 'exports no `run: Bench`' });
      continue;
    }
    rows.push(...(await (module.run as Bench)()));
    console.error(`bench ${bench} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const note = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    skipped.push({ bench, note });
    console.error(`bench ${bench} skipped: ${note}`);
  }
}

printTable(rows);
for (const { bench, note } of skipped) console.log(`skipped ${bench}: ${note}`);

const machine = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
};
await mkdir(join(HERE, 'results'), { recursive: true });
// A partial run never overwrites the committed full table.
const file = join(HERE, 'results', only === undefined ? 'latest.json' : `only-${only}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine, rows, skipped }, null, 2)}\n`,
);
console.log(`written to ${file}`);
// Benches may leave keep-alive sockets or child processes behind; the figures are out.
process.exit(0);
