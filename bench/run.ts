// `npm run bench`: runs every `bench/*.bench.ts` (each exports `run: Bench`), prints one table of figures
// against baselines measured in the same run, and writes `results/latest.json`. `--only <name>` runs one
// file (`--only triggers` for `triggers.bench.ts`). Each bench runs in a process of its own, so none sees
// another's modules, environment or leftover servers (a trigger module reads its configuration once, at
// import). A bench that throws or dies is skipped with a note; the others still run. Its own output goes
// to stderr, so stdout holds the table. Prints only: nothing here passes or fails on time.
import { fork } from 'node:child_process';
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
  const size = Math.abs(value);
  const digits = size >= 100 ? 0 : size >= 10 ? 1 : size >= 0.1 || size === 0 ? 2 : 3;
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

/** What a bench's process sends back: its rows, or why it has none. */
type Outcome = { rows: BenchRow[] } | { skipped: string };

/** The child side: imports one bench, runs it, sends the outcome, exits. */
async function runInThisProcess(bench: string): Promise<never> {
  let outcome: Outcome;
  try {
    const module = (await import(pathToFileURL(join(HERE, `${bench}${SUFFIX}`)).href)) as { run?: unknown };
    outcome =
      typeof module.run === 'function'
        ? { rows: await (module.run as Bench)() }
        : { skipped: 'exports no `run: Bench`' };
  } catch (error) {
    outcome = {
      skipped: error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error),
    };
  }
  await new Promise<void>((resolve) => process.send?.(outcome, () => resolve()));
  // Benches may leave keep-alive sockets or child processes behind; the figures are out.
  process.exit(0);
}

/** The parent side: one process per bench (tsx's loader inherited), its stdout sent to our stderr. */
function runInChild(bench: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--worker', bench], {
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let outcome: Outcome | undefined;
    child.on('message', (message) => (outcome = message as Outcome));
    child.on('error', (error) => resolve({ skipped: `could not start: ${error.message}` }));
    child.on('exit', (code, signal) =>
      resolve(outcome ?? { skipped: `its process ended (${signal ?? `exit code ${code}`}) without figures` }),
    );
  });
}

const workerIndex = process.argv.indexOf('--worker');
if (workerIndex !== -1) await runInThisProcess(process.argv[workerIndex + 1] ?? '');

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
  const outcome = await runInChild(bench);
  if ('rows' in outcome) {
    rows.push(...outcome.rows);
    console.error(`bench ${bench} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    skipped.push({ bench, note: outcome.skipped });
    console.error(`bench ${bench} skipped: ${outcome.skipped}`);
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
