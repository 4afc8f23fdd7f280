// Shared pieces of the browser tests: Debian's Chromium through playwright-core, one fresh context per
// journey with its own CDP virtual authenticator, users of their own, the local outbox, screenshots, and
// evidence (a screenshot and the page's console) when a journey fails.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  AdminCreateUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { expect } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Run output (git-ignored): screenshots of every run and the evidence of failed journeys. */
export const OUTPUT = join(HERE, 'test-results');

/**
 * The committed gallery of pages (`e2e/screenshots/`) is written only by `npm run screenshots`, which sets
 * E2E_SCREENSHOTS_DIR; an ordinary run leaves the work tree as it was.
 */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS_DIR ?? join(OUTPUT, 'screenshots');

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
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
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

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
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
