/// <reference lib="dom" />
// Shared pieces of the browser tests: Debian's Chromium through playwright-core, one fresh context per
// journey with its own CDP virtual authenticator, users of their own, the local outbox, screenshots, and
// evidence (a screenshot and the page's console) when a journey fails.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  AdminCreateUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AxeBuilder } from '@axe-core/playwright';
import type { Result as AxeResult } from 'axe-core';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type CDPSession,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { startLocalStack, type LocalStack, type LocalStackOptions } from '../scripts/local-stack';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Run output (git-ignored): screenshots of every run and the evidence of failed journeys. */
export const OUTPUT = join(HERE, 'test-results');

/**
 * The committed gallery of pages (`e2e/screenshots/`) is written only by `npm run screenshots`, which sets
 * E2E_SCREENSHOTS_DIR; an ordinary run leaves the work tree as it was.
 */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS_DIR ?? join(OUTPUT, 'screenshots');

/** The two screens every journey is run on: a laptop, and a phone (touch, twice the pixels). */
export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  mobile: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const satisfies Record<string, BrowserContextOptions>;
export type ViewportName = keyof typeof VIEWPORTS;

/** The screen of this run: E2E_VIEWPORT (`desktop` or `mobile`). @default desktop */
export const VIEWPORT: ViewportName = (() => {
  const name = process.env.E2E_VIEWPORT ?? 'desktop';
  if (!Object.hasOwn(VIEWPORTS, name)) throw new TypeError(`E2E_VIEWPORT must be desktop or mobile`);
  return name as ViewportName;
})();

export const PASSWORD = 'Correct-Horse-9-Battery';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
  /** Console errors and page errors, less the ones the offline Google-Fonts import causes. */
  errors: string[];
  /** Every console line and page error, in order: the evidence when a journey fails. */
  console: string[];
}

/** A fresh context (no cookies, no localStorage) with a platform authenticator of its own. */
export async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ ...VIEWPORTS[VIEWPORT] });
  const page = await context.newPage();
  const errors: string[] = [];
  const lines: string[] = [];
  page.on('pageerror', (error) => {
    errors.push(error.message);
    lines.push(`[pageerror] ${error.message}`);
  });
  page.on('console', (message) => {
    const text = message.text();
    lines.push(`[${message.type()}] ${text}`);
    if (message.type() !== 'error') return;
    // The Connect components @import Google Fonts at run time; offline that fails twice, harmlessly.
    if (/ERR_NAME_NOT_RESOLVED|fonts\.googleapis|Failed to load resource/.test(text)) return;
    errors.push(text);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const authenticatorId = await addAuthenticator(cdp);
  return { context, page, cdp, authenticatorId, errors, console: lines };
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** Writes a screenshot and the console of `tab` under e2e/test-results/failures/ and prints their paths. */
async function saveEvidence(tab: Tab, journey: string, label: string): Promise<void> {
  const dir = join(OUTPUT, 'failures');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${slug(journey)}-${label}`);
  const saved: string[] = [];
  try {
    await tab.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    saved.push(`${base}.png`);
  } catch {
    // A crashed page has nothing to show; its console still tells.
  }
  writeFileSync(`${base}.console.txt`, `${tab.page.url()}\n\n${tab.console.join('\n')}\n`);
  saved.push(`${base}.console.txt`);
  console.error(
    `Evidence of "${journey}" (${label}):\n${saved.map((p) => `  ${relative(process.cwd(), p)}`).join('\n')}`,
  );
}

/**
 * Runs one journey in fresh contexts of its own (`tabs` of them), so a failure cannot leave state for the
 * next. On failure every tab's screenshot and console is kept; a passing journey must have raised no page
 * errors. The contexts are closed either way.
 */
export async function inTabs<T>(
  browser: Browser,
  journey: string,
  tabs: number,
  run: (...tabs: Tab[]) => Promise<T>,
): Promise<T> {
  const opened: Tab[] = [];
  try {
    for (let i = 0; i < tabs; i += 1) opened.push(await openTab(browser));
    const result = await run(...opened);
    opened.forEach((tab) => expect(tab.errors).toEqual([]));
    return result;
  } catch (error) {
    for (const [index, tab] of opened.entries()) await saveEvidence(tab, journey, `tab${index + 1}`);
    throw error;
  } finally {
    await Promise.all(opened.map((tab) => tab.context.close().catch(() => undefined)));
  }
}

/** A test file's local stack and Chromium, as `browserStack` gives them. */
export interface BrowserStack {
  readonly stack: LocalStack;
  readonly browser: Browser;
  /** Every line the servers and the app logged, in order. */
  readonly log: readonly string[];
  /** The app's own output lines only. */
  readonly appLog: readonly string[];
  /** An address of the app. */
  readonly url: (path: string) => string;
  /** A journey in one fresh context; its name labels the evidence if it fails. */
  readonly journey: (name: string, run: (tab: Tab) => Promise<void>) => void;
}

/**
 * Starts one local stack (in a data dir of its own, on free ports) and one Chromium before the file's
 * tests, and stops both after them. The log lines are kept in `e2e/test-results/<name>-stack.log` for a
 * failure's evidence.
 */
export function browserStack(
  name: string,
  options: Pick<LocalStackOptions, 'passkeyModeCacheSeconds'> = {},
): BrowserStack {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  const log: string[] = [];
  const appLog: string[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the stack is used before it started (outside a test)');
    return value;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `passkeys-${name}-`));
    [stack, browser] = await Promise.all([
      startLocalStack({
        ...options,
        dataDir,
        ports: { app: 0, localAws: 0, localConnect: 0 },
        appOutput: (line) => {
          appLog.push(line);
          log.push(line);
        },
        log: (line) => log.push(line),
      }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, `${name}-stack.log`), `${log.join('\n')}\n`);
  });

  return {
    get stack() {
      return started(stack);
    },
    get browser() {
      return started(browser);
    },
    log,
    appLog,
    url: (path) => `${started(stack).urls.app}${path}`,
    journey: (journeyName, run) => {
      it(journeyName, () => inTabs(started(browser), journeyName, 1, run));
    },
  };
}

export async function addAuthenticator(cdp: CDPSession): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

export async function credentialsOf(cdp: CDPSession, authenticatorId: string) {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials;
}

/** The journeys of this test file that took a screenshot, in order, and how many steps each took. */
const galleryJourneys = new Map<string, { number: number; steps: number }>();

const pad = (n: number) => String(n).padStart(2, '0');

/** The first words of a journey's name, as a file name part: readable, and short enough for a table. */
const journeySlug = (name: string) => slug(name.split(' ').slice(0, 7).join(' '));

/**
 * A screenshot of the page as the current journey's next step, named by file, journey and step:
 * `<viewport>/<file>-<journey nn>-<journey>-<step nn>-<name>.png` (a leading number in `name` is dropped:
 * the step number replaces it), e.g. `desktop/journeys-02-signs-out-and-back-in-01-login-welcome-back.png`.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const { currentTestName, testPath } = expect.getState();
  const test = currentTestName?.split(' > ').pop() ?? 'journey';
  let journey = galleryJourneys.get(test);
  if (!journey) {
    journey = { number: galleryJourneys.size + 1, steps: 0 };
    galleryJourneys.set(test, journey);
  }
  journey.steps += 1;
  const file = basename(testPath ?? 'e2e').replace(/\.e2e\.test\.ts$/, '');
  const step = slug(name.replace(/^\d+-/, ''));
  const dir = join(SCREENSHOTS, VIEWPORT);
  mkdirSync(dir, { recursive: true });
  const png = `${file}-${pad(journey.number)}-${journeySlug(test)}-${pad(journey.steps)}-${step}.png`;
  await page.screenshot({ path: join(dir, png), fullPage: true });
  // The index the README's gallery is made from: each picture with its journey's whole name.
  const index = join(dir, GALLERY_INDEX);
  const steps = existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as GalleryStep[]) : [];
  const entry: GalleryStep = {
    png,
    file,
    journey: test,
    number: journey.steps,
    step: step.replace(/-/g, ' '),
  };
  writeFileSync(index, `${JSON.stringify([...steps.filter((s) => s.png !== png), entry], null, 2)}\n`);
}

/** The file beside the pictures of one viewport that lists them in the order they were taken. */
export const GALLERY_INDEX = 'steps.json';

export interface GalleryStep {
  /** The picture's file name in the viewport's folder. */
  png: string;
  /** The test file's name, less `.e2e.test.ts`. */
  file: string;
  /** The journey's (test's) whole name. */
  journey: string;
  /** The step's number in its journey. */
  number: number;
  /** The step's readable name. */
  step: string;
}

/** An address no other journey (or earlier run on the same data dir) uses. */
export function uniqueEmail(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}@example.com`;
}

interface OutboxMessage {
  code?: string;
}

async function outboxMessages(outboxUrl: string, email: string): Promise<OutboxMessage[]> {
  const response = await fetch(`${outboxUrl}?to=${encodeURIComponent(email)}`);
  const { messages } = (await response.json()) as { messages: OutboxMessage[] };
  return messages;
}

/**
 * The code the local pool "sends" to `email` because of `action`: the first message after those that were
 * there before it, however the clocks of the browser and the pool run.
 */
export async function codeSentBy(
  outboxUrl: string,
  email: string,
  action: () => Promise<unknown>,
): Promise<string> {
  const before = (await outboxMessages(outboxUrl, email)).length;
  await action();
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        code = (await outboxMessages(outboxUrl, email)).slice(before).find((m) => m.code)?.code;
        return code;
      },
      { timeout: 20_000, message: `a code for ${email} in the outbox` },
    )
    .toBeTruthy();
  return code!;
}

interface StackRef {
  urls: { localAws: string };
  ids: { userPoolId: string; region: string };
  /** The developer principal's key: local-aws answers admin operations only when it signs them. */
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
}

/** The pool's admin API, as an operator's tooling calls it. */
function adminClient(stack: StackRef) {
  return new CognitoIdentityProviderClient({
    endpoint: stack.urls.localAws,
    region: stack.ids.region,
    credentials: { ...stack.adminCredentials },
  });
}

/** An admin forces a password reset (status RESET_REQUIRED; Cognito emails a code). */
export async function resetPassword(stack: StackRef, email: string): Promise<void> {
  const cognito = adminClient(stack);
  try {
    await cognito.send(
      new AdminResetUserPasswordCommand({ UserPoolId: stack.ids.userPoolId, Username: email }),
    );
  } finally {
    cognito.destroy();
  }
}

/** A confirmed user with a verified email and a permanent password, made with the admin API. */
export async function createUser(stack: StackRef, email: string): Promise<void> {
  const cognito = adminClient(stack);
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.ids.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: stack.ids.userPoolId,
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
  } finally {
    cognito.destroy();
  }
}

/** WCAG 2.0 and 2.1 A and AA, and axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** What fails a scan; moderate and minor findings are counted and printed, not failed. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * Violations inside the Connect components' own markup, which neither our markup nor our CSS decides:
 * one rule on one precise selector each, with the reason. Everything else on the page is scanned.
 */
export const COMPONENT_VIOLATIONS: { rule: string; selector: string; why: string }[] = [];

/** Scans and findings of this test file, for its summary line. */
export const a11yTally = { scans: 0, failing: 0, other: 0, known: 0, rules: new Set<string>() };

const describeViolation = (violation: AxeResult) =>
  `  ${violation.impact ?? 'unknown'} ${violation.id}: ${violation.help} (${violation.helpUrl})\n` +
  violation.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n');

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, listing each
 * rule with its target selectors and help. `label` names the page state in the failure and the tally.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  a11yTally.scans += 1;
  const violations: AxeResult[] = [];
  for (const violation of results.violations) {
    const nodes = violation.nodes.filter(
      (node) =>
        !COMPONENT_VIOLATIONS.some(
          (known) => known.rule === violation.id && node.target.join(' ') === known.selector,
        ),
    );
    a11yTally.known += violation.nodes.length - nodes.length;
    if (nodes.length === 0) continue;
    violations.push({ ...violation, nodes });
    a11yTally.rules.add(violation.id);
    if (FAILING_IMPACTS.has(violation.impact ?? '')) a11yTally.failing += nodes.length;
    else a11yTally.other += nodes.length;
  }
  const failing = violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  const others = violations.filter((violation) => !FAILING_IMPACTS.has(violation.impact ?? ''));
  if (others.length > 0)
    console.warn(`a11y "${label}", not failing:\n${others.map(describeViolation).join('\n')}`);
  expect(
    failing.map(describeViolation),
    `serious or critical accessibility violations on "${label}":\n${failing.map(describeViolation).join('\n')}`,
  ).toEqual([]);
}

/** Whether `locator`'s element has the keyboard focus (or holds it, for a wrapper). */
export async function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.contains(element.ownerDocument.activeElement));
}

/**
 * Presses Tab until `locator` has the focus, at most `max` times, and fails if it never gets it: the
 * control is reachable by keyboard. Returns how many presses it took, so callers can assert the order.
 */
export async function tabTo(page: Page, locator: Locator, max = 25): Promise<number> {
  await locator.waitFor();
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press('Tab');
    if (await hasFocus(locator)) return presses;
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing');
  const target = await locator.evaluate((element) => element.outerHTML.slice(0, 300));
  throw new Error(`${target} not reached by ${max} presses of Tab (focus ends on ${focused})`);
}

/** The passkey list's own items (the delete modal renders a copy of the item it asks about). */
export function passkeyItems(page: Page): Locator {
  return page.locator('[data-testid="passkeys"] .cb-passkey-list-item:not(.cb-modal .cb-passkey-list-item)');
}

/** Password sign-in at `appUrl` for a user who has no second factor yet: lands on the passkey offer. */
export async function signInWithPassword(page: Page, appUrl: string, email: string): Promise<void> {
  await page.goto(`${appUrl}/login?mode=password&email=${encodeURIComponent(email)}`);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/post-login/);
}

/** On the passkey offer: creates the passkey and goes on to the profile, where it is listed. */
export async function activatePasskey(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Activate passkey' }).click();
  await page.getByText('Success!').waitFor();
  await page.getByTestId('post-login').getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/profile/);
  await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
}
