/// <reference lib="dom" />
// The product's journeys in Chromium, against the whole local stack: the app, local-aws with the real
// trigger handlers and actions, local-connect, and a virtual platform authenticator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import {
  addAuthenticator,
  credentialsOf,
  latestCode,
  launchChromium,
  openTab,
  screenshot,
  type Tab,
} from './support';

const PASSWORD = 'Correct-Horse-9-Battery';
// Each run starts on a fresh data dir, so fixed addresses are unique.
const EMAIL = 'alice@example.com';

let stack: LocalStack;
let browser: Browser;
let dataDir: string;
let tab: Tab;
const appLog: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'passkeys-e2e-'));
  [stack, browser] = await Promise.all([
    startLocalStack({
      dataDir,
      ports: { app: 0, localAws: 0, localConnect: 0 },
      appOutput: (line) => appLog.push(line),
      log: () => undefined,
    }),
    launchChromium(),
  ]);
  tab = await openTab(browser);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const url = (path: string) => `${stack.urls.app}${path}`;

async function signOut(page: Page) {
  await page.goto(url('/profile'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

function passkeyItems(page: Page) {
  // The delete modal renders a copy of the item it asks about; count the list's own items only.
  return page.locator('[data-testid="passkeys"] .cb-passkey-list-item:not(.cb-modal .cb-passkey-list-item)');
}

describe('passkeys for a Cognito user, end to end', () => {
  it('signs up, signs in with the password and adds a passkey, which turns email MFA on', async () => {
    const { page } = tab;
    await page.goto(url('/signup'));
    await page.locator('#signup-email').fill(EMAIL);
    await page.locator('#signup-password').fill(PASSWORD);
    await screenshot(page, '01-signup');
    const sentAfter = Date.now() - 1000;
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#signup-code').waitFor();
    await page.locator('#signup-code').fill(await latestCode(stack.urls.outbox, EMAIL, sentAfter));
    await screenshot(page, '02-signup-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();

    await page.waitForURL(/\/post-login/);
    await page.getByRole('button', { name: 'Activate passkey' }).waitFor();
    await screenshot(page, '03-post-login-append');
    await page.getByRole('button', { name: 'Activate passkey' }).click();
    await page.getByText('Success!').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(/\/profile/);
    await expect.poll(async () => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
    await expect(page.getByTestId('profile-email').innerText()).resolves.toBe(EMAIL);
    // post-append ran: the pool now asks this user for an email code on password sign-ins (Amplify calls
    // the EMAIL_OTP setting "EMAIL"; the page names it).
    await page.reload();
    await expect
      .poll(() => page.getByTestId('profile-mfa').innerText(), { timeout: 20_000 })
      .toContain('Email code');
    await screenshot(page, '04-profile');
    expect(await credentialsOf(tab.cdp, tab.authenticatorId)).toHaveLength(1);
  });

  it('signs out and back in with the passkey', async () => {
    const { page } = tab;
    await signOut(page);
    // After an append the component offers a one-tap "Welcome back" login.
    await page.getByText('Welcome back').waitFor();
    await screenshot(page, '05-login-welcome-back');
    await page.locator('.cb-passkey-button').click();
    await page.waitForURL(/\/profile/);
    await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(EMAIL);
  });

  it('adds a second passkey, deletes the first, and still logs in with the second', async () => {
    const { page, cdp } = tab;
    // A second device: the first authenticator leaves, a new one joins (exclude-credentials would
    // otherwise stop the same authenticator from registering twice).
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: tab.authenticatorId });
    tab.authenticatorId = await addAuthenticator(cdp);

    await page.goto(url('/profile'));
    const items = passkeyItems(page);
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(2);
    await screenshot(page, '06-profile-two-passkeys');

    // Delete the first one (the removed authenticator's).
    await items.first().locator('.cb-passkey-list-item-delete-icon .cb-link-button').click();
    await page.getByText('Delete passkey').first().waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(1);

    await signOut(page);
    await page.locator('.cb-passkey-button').click();
    await page.waitForURL(/\/profile/);
    await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(EMAIL);
  });

  it('asks for the email code on a password sign-in once a passkey was added', async () => {
    const { page } = tab;
    await signOut(page);
    await page.goto(url(`/login?mode=password&email=${encodeURIComponent(EMAIL)}`));
    await page.locator('#password').fill(PASSWORD);
    const sentAfter = Date.now() - 1000;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#email-code').waitFor();
    await screenshot(page, '07-login-email-code');

    await page.locator('#email-code').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').waitFor();

    await page.locator('#email-code').fill(await latestCode(stack.urls.outbox, EMAIL, sentAfter));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/post-login/);
  });

  it('logs in through passkey autofill in the email field (conditional UI)', async () => {
    const other = await openTab(browser);
    try {
      // The same passkey on this device: copied from the signed-in tab's authenticator.
      for (const credential of await credentialsOf(tab.cdp, tab.authenticatorId)) {
        await other.cdp.send('WebAuthn.addCredential', {
          authenticatorId: other.authenticatorId,
          credential,
        });
      }
      await other.page.goto(url('/login'));
      // No stored last login: the email field offers the passkey, and the virtual authenticator picks it.
      await other.page.waitForURL(/\/profile/, { timeout: 30_000 });
      await expect.poll(() => other.page.getByTestId('profile-email').innerText()).toBe(EMAIL);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  it('falls back to the password form for a user without a passkey', async () => {
    const other = await openTab(browser);
    try {
      const email = 'bob@example.com';
      const { page } = other;
      await page.goto(url('/signup'));
      await page.locator('#signup-email').fill(email);
      await page.locator('#signup-password').fill(PASSWORD);
      const sentAfter = Date.now() - 1000;
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#signup-code').fill(await latestCode(stack.urls.outbox, email, sentAfter));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.waitForURL(/\/post-login/);
      await signOut(page);

      await page.locator('#email').fill(email);
      await page.getByRole('button', { name: 'Login' }).click();
      await page.getByTestId('login-password').waitFor();
      await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
      await screenshot(page, '08-login-fallback-password');
    } finally {
      await other.context.close();
    }
  });

  it('stays signed out when the passkey ceremony is cancelled', async () => {
    const { page, cdp } = tab;
    await signOut(page);
    await page.getByText('Welcome back').waitFor();
    // The authenticator refuses user verification: the browser reports the ceremony as not allowed.
    await cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: tab.authenticatorId,
      isUserVerified: false,
    });
    await page.locator('.cb-passkey-button').click();
    await page.waitForTimeout(3000);
    expect(new URL(page.url()).pathname).toBe('/login');
    const signedIn = await page.evaluate(() =>
      Object.keys(localStorage).some(
        (key) => key.startsWith('CognitoIdentityServiceProvider') && key.endsWith('.idToken'),
      ),
    );
    expect(signedIn).toBe(false);
    await screenshot(page, '09-login-cancelled');
    await cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: tab.authenticatorId,
      isUserVerified: true,
    });
  });

  it('gives no connect token for a forged idToken', async () => {
    const { page } = tab;
    await page.goto(url(`/login?mode=password&email=${encodeURIComponent(EMAIL)}`));
    await page.locator('#password').fill(PASSWORD);
    const sentAfter = Date.now() - 1000;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#email-code').fill(await latestCode(stack.urls.outbox, EMAIL, sentAfter));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/post-login/);

    // Same claims, another signature: Amplify only decodes tokens, the Server Action verifies them.
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) {
        if (!key.endsWith('.idToken')) continue;
        const [header, payload] = localStorage.getItem(key)!.split('.');
        localStorage.setItem(key, `${header}.${payload}.${'A'.repeat(342)}`);
      }
    });
    const logged = appLog.length;
    await page.goto(url('/profile'));
    await page.getByTestId('profile-email').waitFor();
    await expect
      .poll(() => appLog.slice(logged).join('\n'), { timeout: 20_000 })
      .toContain('"code":"invalid_token"');
    expect(await passkeyItems(page).count()).toBe(0);
  });

  it('sends visitors without a session from protected pages to the login', async () => {
    const other = await openTab(browser);
    try {
      for (const path of ['/profile', '/post-login']) {
        await other.page.goto(url(path));
        await other.page.waitForURL(/\/login/);
      }
    } finally {
      await other.context.close();
    }
  });

  it('raised no page errors in the main tab', () => {
    expect(tab.errors).toEqual([]);
  });
});
