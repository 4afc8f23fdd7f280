// Figures for the trigger Lambdas as they ship: each handler bundled with the CDK construct's own options
// (infra's bundling.ts), its size against the budget, and its cold init against a bare `node` start: a
// fresh process per run importing the bundle as Lambda's runtime does, alternating with a fresh process
// importing an empty module, so both see the same machine. Bounded: a fixed number of processes. Prints;
// never fails on time.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { HandlerName } from '@cognito-passkeys/cognito-triggers';
import { ENV } from '@cognito-passkeys/cognito-triggers/config';
import { TRIGGER_BUNDLE_BUDGET_BYTES, triggerBuildOptions } from '@cognito-passkeys/infra/bundling';
import { build } from 'esbuild';

import { lowerIsBetter, median, signed, type Bench, type BenchRow } from './table';

const RUNS = Math.max(20, Number(process.env.BENCH_COLD_RUNS ?? 30));
const COLD_INIT_GOAL_MS = 50;
const HANDLERS: HandlerName[] = [
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge-response',
];

/**
 * What the child prints: milliseconds from its process start (`performance.timeOrigin`) until the module
 * is imported and its `handler` is a function, i.e. node's own start plus the handler's init; then the
 * CPU time of the import alone, which a busy machine disturbs far less than the wall clock.
 */
const LOADER = `const cpu = process.cpuUsage();
const module = await import(process.argv[2]);
if (process.argv[3] === 'handler' && typeof module.handler !== 'function') throw new Error('no handler');
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(performance.now() + ' ' + (user + system) / 1000);
`;

/** The handlers' configuration (parsed at init); no call is made, so no value needs to work. */
const CHILD_ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  [ENV.corbadoProjectId]: 'pro-bench',
  [ENV.corbadoBackendApiUrl]: 'https://backendapi.cloud.corbado.io',
  [ENV.corbadoApiSecretParameter]: '/bench/corbado-api-secret',
  [ENV.passkeyModeParameter]: '/bench/passkey-mode',
};

const execFileAsync = promisify(execFile);
async function readyAfter(
  loader: string,
  module: string,
  kind: 'handler' | 'empty',
): Promise<{ readyMs: number; importCpuMs: number }> {
  const { stdout } = await execFileAsync(process.execPath, [loader, module, kind], { env: CHILD_ENV });
  const [readyMs = Number.NaN, importCpuMs = Number.NaN] = stdout.trim().split(' ').map(Number);
  return { readyMs, importCpuMs };
}

/**
 * What Powertools Metrics alone costs the triggers that carry it: the library with one instance (as each
 * handler module makes at init), bundled with the same options, its size and its import's CPU time over an
 * empty module's, alternating in the same way.
 */
async function powertoolsMetricsAlone(dir: string, loader: string, empty: string): Promise<BenchRow[]> {
  const file = join(dir, 'powertools-metrics.mjs');
  const { entryPoints: _entry, ...options } = triggerBuildOptions('define-auth-challenge');
  const result = await build({
    ...options,
    stdin: {
      contents:
        "import { Metrics } from '@aws-lambda-powertools/metrics';\n" +
        "export const metrics = new Metrics({ namespace: 'CognitoPasskeys', serviceName: 'cognito-passkeys' });\n" +
        'export const handler = () => metrics;\n',
      resolveDir: join(fileURLToPath(new URL('.', import.meta.url)), '..', 'packages', 'cognito-triggers'),
      loader: 'js',
    },
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? Number.NaN;
  const bareCpu: number[] = [];
  const loadedCpu: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    bareCpu.push((await readyAfter(loader, empty, 'empty')).importCpuMs);
    loadedCpu.push((await readyAfter(loader, file, 'handler')).importCpuMs);
  }
  const min = (values: number[]) => Math.min(...values);
  return [
    lowerIsBetter({
      name: 'Powertools Metrics alone: import CPU (median)',
      value: median(loadedCpu),
      baseline: median(bareCpu),
      baselineName: 'importing an empty module',
      unit: 'ms',
      note: `${signed(median(loadedCpu) - median(bareCpu), 1)} ms (min ${signed(min(loadedCpu) - min(bareCpu), 1)}); ${bytes} bytes minified; ${RUNS} fresh processes each, alternating`,
    }),
  ];
}

export const run: Bench = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trigger-bench-'));
  try {
    const loader = join(dir, 'load.mjs');
    const empty = join(dir, 'empty.mjs');
    await writeFile(loader, LOADER);
    await writeFile(empty, 'export {};\n');
    const rows: BenchRow[] = [];
    for (const handler of HANDLERS) {
      const file = join(dir, `${handler}.mjs`);
      const result = await build({
        ...triggerBuildOptions(handler),
        outfile: file,
        metafile: true,
        logLevel: 'silent',
      });
      const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? Number.NaN;
      rows.push(
        lowerIsBetter({
          name: `bundle: ${handler}`,
          value: bytes / 1000,
          baseline: TRIGGER_BUNDLE_BUDGET_BYTES / 1000,
          baselineName: 'budget',
          unit: 'KB',
          goal: '≤ 1',
          note: `${bytes} bytes minified, esbuild with the construct's options`,
        }),
      );

      const bare: number[] = [];
      const loaded: number[] = [];
      const bareCpu: number[] = [];
      const loadedCpu: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        const bareRun = await readyAfter(loader, empty, 'empty');
        const handlerRun = await readyAfter(loader, file, 'handler');
        bare.push(bareRun.readyMs);
        bareCpu.push(bareRun.importCpuMs);
        loaded.push(handlerRun.readyMs);
        loadedCpu.push(handlerRun.importCpuMs);
      }
      const min = (values: number[]) => Math.min(...values);
      // Run i of the handler minus run i of the baseline, next to each other in time: steadier than the
      // difference of two medians when the machine's load drifts.
      const paired = loaded.map((value, i) => value - (bare[i] ?? Number.NaN));
      for (const [label, pick] of [
        ['min', min],
        ['median', median],
      ] as const) {
        rows.push(
          lowerIsBetter({
            name: `cold init (${label}): ${handler}`,
            value: pick(loaded),
            baseline: pick(bare),
            baselineName: 'bare node start',
            unit: 'ms',
            goal: `≤ +${COLD_INIT_GOAL_MS} ms`,
            note:
              `${signed(pick(loaded) - pick(bare), 1)} ms over bare node (median of paired runs: ${signed(median(paired), 1)}); import CPU ${pick(loadedCpu).toFixed(1)} vs ` +
              `${pick(bareCpu).toFixed(1)} ms; ${RUNS} fresh processes each, alternating`,
          }),
        );
      }
      rows.push(
        lowerIsBetter({
          name: `cold init import CPU (median): ${handler}`,
          value: median(loadedCpu),
          baseline: median(bareCpu),
          baselineName: 'importing an empty module',
          unit: 'ms',
          goal: `≤ +${COLD_INIT_GOAL_MS} ms`,
          note: `${signed(median(loadedCpu) - median(bareCpu), 1)} ms; CPU time, steady on a busy machine where the wall clock is not`,
        }),
      );
    }
    rows.push(...(await powertoolsMetricsAlone(dir, loader, empty)));
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
