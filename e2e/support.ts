// Shared pieces of the browser tests: Debian's Chromium through playwright-core, the CDP virtual
// authenticator, the local outbox, and screenshots into e2e/screenshots/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

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
  /** Console errors and page errors, less the two the offline Google-Fonts import causes. */
  errors: string[];
}

/** A fresh context with a platform authenticator (resident keys, user verification) of its own. */
export async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // The Connect components @import Google Fonts at run time; offline that fails twice, harmlessly.
    if (/ERR_NAME_NOT_RESOLVED|fonts\.googleapis|Failed to load resource/.test(text)) return;
    errors.push(text);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const authenticatorId = await addAuthenticator(cdp);
  return { context, page, cdp, authenticatorId, errors };
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

/** The newest code the local pool "sent" to `email`. */
export async function latestCode(outboxUrl: string, email: string, after = 0): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await fetch(`${outboxUrl}?to=${encodeURIComponent(email)}`);
    const { messages } = (await response.json()) as {
      messages: { code?: string; sentAt: string | number }[];
    };
    const fresh = messages.filter((m) => m.code && new Date(m.sentAt).getTime() >= after);
    const last = fresh.at(-1);
    if (last?.code) return last.code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code for ${email} in the outbox`);
}
