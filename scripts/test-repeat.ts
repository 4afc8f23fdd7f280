// `npm run test:repeat -- [runs] [--all]`: the browser journeys (or, with --all, the whole `npm test`)
// run `runs` times in a row (default 10); ends with `N passed, M failed`, counting runs. A suite that is
// green only sometimes is a bug; this is how to show it is not.
import { spawnSync } from 'node:child_process';

import { REPO_ROOT } from './local-stack';

const args = process.argv.slice(2);
const all = args.includes('--all');
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);
const command = all ? ['npm', 'test'] : ['npm', 'run', 'test:e2e'];

let passed = 0;
let failed = 0;
for (let run = 1; run <= runs; run += 1) {
  const started = Date.now();
  const result = spawnSync(command[0]!, command.slice(1), { cwd: REPO_ROOT, stdio: 'inherit' });
  const ok = result.status === 0;
  if (ok) passed += 1;
  else failed += 1;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `\nrun ${run}/${runs} of \`${command.join(' ')}\`: ${ok ? 'passed' : 'FAILED'} in ${seconds} s\n`,
  );
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
