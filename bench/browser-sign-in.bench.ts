/// <reference lib="dom" />
// Figures for what a user waits for: the click on "sign in" until Amplify has the Cognito tokens in
// localStorage, for a passkey login ("Welcome back" one-tap: Corbado's ceremony, then Cognito's custom auth
// with the real triggers) against a password login (Amplify's SRP) on the whole local stack in Chromium.
// Runs alternate between the two, so both see the same machine load; it prints the median of each and the
// requests the page makes after the click. Prints only: it never passes or fails on time.
//
// What the counts hold (seen in a run): a passkey login makes Corbado's login/start and login/finish, then
// Cognito's InitiateAuth and RespondToAuthChallenge (sometimes also a Next.js link prefetch); a password
// login makes InitiateAuth and RespondToAuthChallenge (SRP). Amplify fetches with `cache: 'no-store'`, which
// Chromium's preflight cache does not serve, so every Cognito call is preceded by its own preflight.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, CDPSession, Page, Request } from 'playwright-core';

import { PASSWORD, addAuthenticator, createUser, launchChromium, uniqueEmail } from '../e2e/support';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import { lowerIsBetter, median, type Bench, type BenchRow } from './table';

/** Measured runs of each login (after one unmeasured warm-up of each). */
const RUNS = 10;

/**
 * In every document: the time of the first click after `__bench.arm()`, and the time Amplify stores an
 * idToken (`CognitoIdentityServiceProvider.<client>.<user>.idToken`), both on the page's own wall clock.
 */
const PAGE_PROBE = () => {
  const probe = { armed: false, clickAt: 0, tokensAt: 0 };
  Object.assign(window, {
    __bench: Object.assign(probe, {
      arm() {
        Object.assign(probe, { armed: true, clickAt: 0, tokensAt: 0 });
      },
    }),
  });
  addEventListener(
    'click',
    () => {
      if (probe.armed && probe.clickAt === 0) probe.clickAt = Date.now();
    },
    { capture: true },
  );
  const setItem = Object.getOwnPropertyDescriptor(Storage.prototype, 'setItem')!.value as (
    this: Storage,
    key: string,
    value: string,
  ) => void;
  Storage.prototype.setItem = function (key: string, value: string) {
    setItem.call(this, key, value);
    if (
      probe.armed &&
      probe.tokensAt === 0 &&
      key.startsWith('CognitoIdentityServiceProvider') &&
      key.endsWith('.idToken')
    )
      probe.tokensAt = Date.now();
  };
};

interface Probe {
  clickAt: number;
  tokensAt: number;
}

interface Run {
  ms: number;
  requests: number;
  preflights: number;
}

/**
 * When each request of the page started, and CORS preflights apart (which CDP reports with their start).
 * A request's start is the browser's own (`request.timing().startTime`, filled in from CDP's wall time):
 * this process also runs local-aws, whose SRP work can hold back the moment the event is heard here.
 */
async function recordRequests(page: Page, cdp: CDPSession) {
  const requests: Request[] = [];
  const preflights: number[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'OPTIONS') requests.push(request);
  });
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.type === 'Preflight' || event.request.method === 'OPTIONS')
      preflights.push(event.wallTime * 1000);
  });
  return { requests, preflights };
}

interface Tab {
  page: Page;
  cdp: CDPSession;
  seen: { requests: Request[]; preflights: number[] };
}

async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addInitScript(PAGE_PROBE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await addAuthenticator(cdp);
  return { page, cdp, seen: await recordRequests(page, cdp) };
}

/**
 * One login: `prepare` brings the page to the button, then the click is timed until the tokens are stored.
 * Requests count by their start between the two, with 1 ms of margin for the clocks' rounding.
 */
async function timedLogin(tab: Tab, prepare: () => Promise<void>, click: () => Promise<void>): Promise<Run> {
  const { page, seen } = tab;
  await prepare();
  await page.evaluate(() => (window as unknown as { __bench: { arm(): void } }).__bench.arm());
  await click();
  await page.waitForFunction(
    () => (window as unknown as { __bench: Probe }).__bench.tokensAt > 0,
    undefined,
    {
      timeout: 30_000,
      polling: 50,
    },
  );
  const { clickAt, tokensAt } = await page.evaluate(() => (window as unknown as { __bench: Probe }).__bench);
  // Requests sent just before the tokens were stored may not have been reported to this process yet.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const within = (times: number[]) => times.filter((t) => t >= clickAt - 1 && t <= tokensAt + 1).length;
  return {
    ms: tokensAt - clickAt,
    requests: within(seen.requests.map((request) => request.timing().startTime)),
    preflights: within(seen.preflights),
  };
}

async function signOut(stack: LocalStack, page: Page): Promise<void> {
  await page.goto(`${stack.urls.app}/profile`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

export const run: Bench = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'passkeys-bench-'));
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  try {
    [stack, browser] = await Promise.all([
      startLocalStack({
        dataDir,
        ports: { app: 0, localAws: 0, localConnect: 0 },
        appOutput: 'ignore',
        log: () => undefined,
      }),
      launchChromium(),
    ]);
    const app = stack.urls.app;
    const running = stack;

    // The passkey user: a password sign-in, then the passkey on this tab's authenticator, as a user does.
    const passkeyTab = await openTab(browser);
    const passkeyUser = uniqueEmail('bench-passkey');
    await createUser(stack, passkeyUser);
    await passkeyTab.page.goto(`${app}/login?mode=password&email=${encodeURIComponent(passkeyUser)}`);
    await passkeyTab.page.locator('#password').fill(PASSWORD);
    await passkeyTab.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await passkeyTab.page.getByRole('button', { name: 'Activate passkey' }).click();
    await passkeyTab.page.getByText('Success!').waitFor({ timeout: 30_000 });

    // The password user has no passkey (so no second factor): the password alone signs in.
    const passwordTab = await openTab(browser);
    const passwordUser = uniqueEmail('bench-password');
    await createUser(stack, passwordUser);

    const passkeyLogin = () =>
      timedLogin(
        passkeyTab,
        async () => {
          await signOut(running, passkeyTab.page);
          await passkeyTab.page.getByText('Welcome back').waitFor({ timeout: 30_000 });
        },
        () => passkeyTab.page.locator('.cb-passkey-button').click(),
      );
    const passwordLogin = () =>
      timedLogin(
        passwordTab,
        async () => {
          const { page } = passwordTab;
          if (page.url().startsWith(app)) await signOut(running, page);
          await page.goto(`${app}/login?mode=password&email=${encodeURIComponent(passwordUser)}`);
          await page.locator('#password').fill(PASSWORD);
        },
        () => passwordTab.page.getByRole('button', { name: 'Sign in', exact: true }).click(),
      );

    await passkeyLogin();
    await passwordLogin();
    const passkey: Run[] = [];
    const password: Run[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      passkey.push(await passkeyLogin());
      password.push(await passwordLogin());
    }

    const describe = (runs: Run[]) => {
      const counts = (pick: (r: Run) => number) => {
        const values = runs.map(pick);
        const [min, max] = [Math.min(...values), Math.max(...values)];
        return min === max ? `${min}` : `${median(values)} (${min}–${max})`;
      };
      return `${counts((r) => r.requests)} requests + ${counts((r) => r.preflights)} preflights`;
    };
    const row: BenchRow = lowerIsBetter({
      name: 'browser sign-in: click → Cognito tokens, passkey vs password',
      value: median(passkey.map((r) => r.ms)),
      baseline: median(password.map((r) => r.ms)),
      baselineName: 'password sign-in (SRP), same run',
      unit: 'ms (median)',
      note:
        `${RUNS} alternating runs each, Chromium + local stack; after the click: passkey ` +
        `${describe(passkey)}, password ${describe(password)}`,
    });
    return [row];
  } finally {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) {
    console.log(
      `${r.name}: ${r.value.toFixed(0)} ${r.unit} vs ${r.baseline.toFixed(0)} ${r.baselineName} ` +
        `= ${r.ratio.toFixed(2)} (lower is better); ${r.note}`,
    );
  }
}
