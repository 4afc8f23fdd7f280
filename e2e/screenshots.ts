// `npm run screenshots`: the browser tests once per viewport, writing every journey step to
// e2e/screenshots/<viewport>/ (and its index), then the root README's "Gallery" section from that index:
// one table per test file, desktop and mobile side by side. Nothing else in the README is touched.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { GALLERY_INDEX, VIEWPORTS, type GalleryStep, type ViewportName } from './support';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'screenshots');
const README = join(HERE, '..', 'README.md');

/** The test files in the order the gallery shows them, with their headings. */
const FILES: Record<string, string> = {
  journeys: 'Journeys',
  a11y: 'Every page state (the accessibility scans) and the keyboard-only journeys',
  'kill-switch': 'The kill switch',
};

function runViewport(viewport: ViewportName): void {
  rmSync(join(SHOTS, viewport), { recursive: true, force: true });
  const run = spawnSync('npx', ['vitest', 'run', '--root', HERE], {
    stdio: 'inherit',
    env: { ...process.env, E2E_SCREENSHOTS_DIR: SHOTS, E2E_VIEWPORT: viewport },
  });
  if (run.status !== 0) {
    console.error(`The ${viewport} run failed: the README's gallery is left as it was.`);
    process.exit(run.status ?? 1);
  }
}

function stepsOf(viewport: ViewportName): GalleryStep[] {
  const index = join(SHOTS, viewport, GALLERY_INDEX);
  return existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as GalleryStep[]) : [];
}

const cell = (viewport: ViewportName, step: GalleryStep | undefined, width: number) =>
  step
    ? `[<img src="e2e/screenshots/${viewport}/${step.png}" width="${width}" alt="${step.step} (${viewport})">](e2e/screenshots/${viewport}/${step.png})`
    : '—';

export function gallerySection(desktop: GalleryStep[], mobile: GalleryStep[]): string {
  const { width, height } = VIEWPORTS.mobile.viewport;
  const lines = [
    '## Gallery',
    '',
    `Every step of the browser tests on a laptop (${VIEWPORTS.desktop.viewport.width}×${VIEWPORTS.desktop.viewport.height})`,
    `and on a phone (${width}×${height}, touch, twice the pixels), as \`npm run screenshots\` last wrote them to`,
    '`e2e/screenshots/` (click a picture for its full size).',
  ];
  const files = [...new Set(desktop.map((step) => step.file))].sort(
    (a, b) => (Object.keys(FILES).indexOf(a) + 1 || 99) - (Object.keys(FILES).indexOf(b) + 1 || 99),
  );
  for (const file of files) {
    lines.push(
      '',
      `### ${FILES[file] ?? file}`,
      '',
      '| journey | step | desktop | mobile |',
      '|---|---|---|---|',
    );
    let journey = '';
    for (const step of desktop.filter((s) => s.file === file).sort((a, b) => a.png.localeCompare(b.png))) {
      // The same step of the same journey: numbers of journeys follow the order they ran in, so not the name.
      const phone = mobile.find(
        (s) => s.file === file && s.journey === step.journey && s.number === step.number,
      );
      lines.push(
        `| ${step.journey === journey ? '' : step.journey} | ${step.step} | ${cell('desktop', step, 360)} | ${cell('mobile', phone, 150)} |`,
      );
      journey = step.journey;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Replaces the README's "## Gallery" section (up to the next "## " heading), or appends it. */
export function withGallery(readme: string, section: string): string {
  const start = readme.search(/^## Gallery$/m);
  if (start === -1) return `${readme.trimEnd()}\n\n${section}`;
  const rest = readme.slice(start + 1).search(/^## /m);
  const end = rest === -1 ? readme.length : start + 1 + rest;
  return `${readme.slice(0, start)}${section}${end === readme.length ? '' : `\n${readme.slice(end)}`}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--readme-only'))
    (Object.keys(VIEWPORTS) as ViewportName[]).forEach(runViewport);
  writeFileSync(
    README,
    withGallery(readFileSync(README, 'utf8'), gallerySection(stepsOf('desktop'), stepsOf('mobile'))),
  );
  console.log(`README.md: the gallery of ${stepsOf('desktop').length} steps`);
}
