// `npm test`: every check and test in order (format, lint, typecheck, unit + integration, the security
// suite against the running local stack, browser e2e).
// Each step runs even when an earlier one failed, so one run shows everything that is wrong; the output
// ends with one line, `N passed, M failed`, counting Vitest's tests (a failed check that runs no tests,
// such as lint, counts as one failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './local-stack';

const RESULTS = join(REPO_ROOT, 'test-results');

interface Step {
  name: string;
  command: string[];
  /** Vitest's JSON report, when the step runs Vitest. */
  report?: string;
}

const vitestReport = (name: string) => [
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(RESULTS, `${name}.json`)}`,
];

const STEPS: Step[] = [
  { name: 'format', command: ['npm', 'run', '--silent', 'format:check'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'unit', command: ['npx', 'vitest', 'run', ...vitestReport('unit')], report: 'unit' },
  {
    name: 'security',
    command: [
      'npm',
      'run',
      '--silent',
      'test:security',
      '--workspace',
      'security',
      '--',
      ...vitestReport('security'),
    ],
    report: 'security',
  },
  {
    name: 'e2e',
    command: ['npm', 'run', '--silent', 'test:e2e', '--workspace', 'e2e', '--', ...vitestReport('e2e')],
    report: 'e2e',
  },
];

function counts(report: string): { passed: number; failed: number } | undefined {
  const file = join(RESULTS, `${report}.json`);
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  return { passed: json.numPassedTests, failed: json.numFailedTests };
}

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const step of STEPS) {
  const started = Date.now();
  const result = spawnSync(step.command[0]!, step.command.slice(1), { cwd: REPO_ROOT, stdio: 'inherit' });
  const ok = result.status === 0;
  const tests = step.report ? counts(step.report) : undefined;
  passed += tests?.passed ?? 0;
  failed += tests?.failed ?? 0;
  // A step that failed without a failing test (a check, or a suite that could not start) is one failure.
  if (!ok && !tests?.failed) failed += 1;
  const figures = tests ? ` (${tests.passed} passed, ${tests.failed} failed)` : '';
  lines.push(
    `${ok ? 'ok  ' : 'FAIL'} ${step.name}${figures} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

console.log(`\n${lines.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
