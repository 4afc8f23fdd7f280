/// <reference lib="dom" />
// The product's journeys in Chromium, against the whole local stack: the app, local-aws with the real
// trigger handlers, local-connect running the action scripts, and a virtual platform authenticator.
// Every journey has its own user and its own browser context: none depends on another's state or order.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import {
  PASSWORD,
  addAuthenticator,
  codeSentBy,
  createUser,
  resetPassword,
  credentialsOf,
  inTabs,
  browserStack,
  screenshot,
  uniqueEmail,
  type Tab,
} from './support';

const e2e = browserStack('journeys');
const { url, journey } = e2e;

async function signOut(page: Page) {
  await page.goto(url('/profile'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

function passkeyItems(page: Page) {
  // The delete modal renders a copy of the item it asks about; count the list's own items only.
  return page.locator('[data-testid="passkeys"] .cb-passkey-list-item:not(.cb-modal .cb-passkey-list-item)');
}

/** Password sign-in for a user who has no second factor yet: lands on the passkey offer. */
async function signInWithPassword(page: Page, email: string) {
  await page.goto(url(`/login?mode=password&email=${encodeURIComponent(email)}`));
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/post-login/);
}

/** On the passkey offer: creates the passkey and goes on to the profile, where it is listed. */
async function activatePasskey(page: Page) {
  await page.getByRole('button', { name: 'Activate passkey' }).click();
  await page.getByText('Success!').waitFor();
  await page.getByTestId('post-login').getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/profile/);
  await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
}

/** A new user who signed in with the password and added a passkey on this tab's authenticator. */
async function userWithPasskey(tab: Tab, name: string): Promise<string> {
  const email = uniqueEmail(name);
  await createUser(e2e.stack, email);
  await signInWithPassword(tab.page, email);
  await activatePasskey(tab.page);
  return email;
}

async function expectSignedInAs(page: Page, email: string) {
  await page.waitForURL(/\/profile/);
  await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(email);
}

describe('passkeys for a Cognito user, end to end', () => {
  journey(
    'signs up, signs in with the password and adds a passkey, which turns email MFA on',
    async (tab) => {
      const { page } = tab;
      const email = uniqueEmail('signup');
      await page.goto(url('/signup'));
      await page.getByRole('button', { name: 'Sign up with a password instead', exact: true }).click();
      await page.locator('#signup-email').fill(email);
      await page.locator('#signup-password').fill(PASSWORD);
      await screenshot(page, '01-signup');
      const code = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.locator('#signup-code').waitFor();
      });
      await page.locator('#signup-code').fill(code);
      await screenshot(page, '02-signup-confirm');
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();

      await page.waitForURL(/\/post-login/);
      await page.getByRole('button', { name: 'Activate passkey' }).waitFor();
      await screenshot(page, '03-post-login-append');
      await activatePasskey(page);
      await expect(page.getByTestId('profile-email').innerText()).resolves.toBe(email);
      // post-append ran: the pool now asks this user for an email code on password sign-ins (Amplify calls
      // the EMAIL_OTP setting "EMAIL"; the page names it).
      await page.reload();
      await expect
        .poll(() => page.getByTestId('profile-mfa').innerText(), { timeout: 20_000 })
        .toContain('Email code');
      await screenshot(page, '04-profile');
      expect(await credentialsOf(tab.cdp, tab.authenticatorId)).toHaveLength(1);
    },
  );

  journey('signs up passkey-first: email, code, passkey, and never a password', async (tab) => {
    const { page } = tab;
    const email = uniqueEmail('passkeyfirst');
    const passwordFields = page.locator('input[type="password"]');
    await page.goto(url('/signup'));
    await page.locator('#signup-email').fill(email);
    expect(await passwordFields.count()).toBe(0);
    await screenshot(page, '01-signup-passkey-first');
    const code = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey', exact: true }).click();
      await page.locator('#signup-code').waitFor();
    });
    await expect(page.getByTestId('signup-confirm').getByRole('status').innerText()).resolves.toContain(
      `${email[0]}***@`,
    );
    expect(await passwordFields.count()).toBe(0);
    await page.locator('#signup-code').fill(code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();

    // Signed in by Amplify's auto sign-in with the generated password, then straight to the passkey.
    await page.waitForURL(/\/post-login\?new=1/);
    await page.getByRole('heading', { level: 1, name: 'Create your passkey' }).waitFor();
    expect(await passwordFields.count()).toBe(0);
    await screenshot(page, '02-signup-create-passkey');
    await activatePasskey(page);
    await expect(page.getByTestId('profile-email').innerText()).resolves.toBe(email);

    await signOut(page);
    await page.locator('.cb-passkey-button').click();
    await expectSignedInAs(page, email);
  });

  journey('signs out and back in with the passkey', async (tab) => {
    const { page } = tab;
    const email = await userWithPasskey(tab, 'relogin');
    await signOut(page);
    // After an append the component offers a one-tap "Welcome back" login.
    await page.getByText('Welcome back').waitFor();
    await screenshot(page, '05-login-welcome-back');
    await page.locator('.cb-passkey-button').click();
    await expectSignedInAs(page, email);
  });

  journey('adds a second passkey, deletes the first, and still logs in with the second', async (tab) => {
    const { page, cdp } = tab;
    const email = await userWithPasskey(tab, 'second');
    // A second device: the first authenticator leaves, a new one joins (exclude-credentials would
    // otherwise stop the same authenticator from registering twice).
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: tab.authenticatorId });
    tab.authenticatorId = await addAuthenticator(cdp);

    const items = passkeyItems(page);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(2);
    await screenshot(page, '06-profile-two-passkeys');

    // Delete the first one (the removed authenticator's).
    await items.first().locator('.cb-passkey-list-item-delete-icon .cb-link-button').click();
    await page.locator('.cb-modal').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(1);

    await signOut(page);
    await page.locator('.cb-passkey-button').click();
    await expectSignedInAs(page, email);
  });

  journey('asks for the email code on a password sign-in once a passkey was added', async (tab) => {
    const { page } = tab;
    const email = await userWithPasskey(tab, 'mfa');
    await signOut(page);
    await page.goto(url(`/login?mode=password&email=${encodeURIComponent(email)}`));
    await page.locator('#password').fill(PASSWORD);
    const first = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#email-code').waitFor();
    });
    // Where the code went, masked as Cognito masks it (`a***@e***`).
    const form = page.getByTestId('login-email-code');
    await expect(form.getByRole('status').innerText()).resolves.toContain(`${email[0]}***@`);
    await screenshot(page, '07-login-email-code');

    // "Back" returns to the password form with the email kept; "Send a new code" sends another one.
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#email-code').waitFor();
    const code = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Send a new code', exact: true }).click();
      await form.getByText(/We sent a new sign-in code/).waitFor();
    });
    expect(code).not.toBe(first);

    // The form's own alert: Next.js's route announcer is a second role="alert" on every page.
    await page.locator('#email-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect(form.getByRole('alert').evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    await page.locator('#email-code').fill(code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    // This device holds the user's passkey already: no offer to add one again, straight to the profile.
    await expectSignedInAs(page, email);
  });

  it('logs in through passkey autofill in the email field (conditional UI)', () =>
    inTabs(e2e.browser, 'conditional UI', 2, async (first, second) => {
      const email = await userWithPasskey(first, 'autofill');
      // The same passkey on another device with no stored last login: copied from the first authenticator.
      for (const credential of await credentialsOf(first.cdp, first.authenticatorId)) {
        await second.cdp.send('WebAuthn.addCredential', {
          authenticatorId: second.authenticatorId,
          credential,
        });
      }
      // The email field offers the passkey, and the virtual authenticator picks it.
      await second.page.goto(url('/login'));
      await second.page.waitForURL(/\/profile/, { timeout: 30_000 });
      await expectSignedInAs(second.page, email);
    }));

  journey('falls back to the password form for a user without a passkey', async ({ page }) => {
    const email = uniqueEmail('nopasskey');
    await createUser(e2e.stack, email);
    await page.goto(url('/login'));
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Login', exact: true }).click();
    await page.getByTestId('login-password').waitFor();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
    await screenshot(page, '08-login-fallback-password');
  });

  it('goes straight to the password form, email kept, on a device without the passkey', () =>
    inTabs(e2e.browser, 'device without the passkey', 2, async (first, second) => {
      const email = await userWithPasskey(first, 'otherdevice');
      // The second device's authenticator holds no credential: the browser ends the ceremony
      // (NotAllowedError), and the page says why instead of the component's "try again" screens.
      await second.page.goto(url('/login'));
      await second.page.locator('#email').fill(email);
      await second.page.getByRole('button', { name: 'Login', exact: true }).click();
      await second.page.getByTestId('login-password').waitFor();
      await expect(second.page.locator('#password-email').inputValue()).resolves.toBe(email);
      await second.page.getByText(/this device has none for this account/).waitFor();
      expect(await second.page.getByText('Something went wrong').count()).toBe(0);
      await screenshot(second.page, '08-login-other-device');
    }));

  journey('answers an unknown email with the password form, revealing nothing', async ({ page }) => {
    const email = uniqueEmail('nobody');
    await page.goto(url('/login'));
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Login', exact: true }).click();
    // pre-login's silent user_not_found: the same quiet fallback as for a user without a passkey.
    await page.getByTestId('login-password').waitFor();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
  });

  journey('sends a user whose password was reset by an admin from the passkey to the reset', async (tab) => {
    const { page } = tab;
    const email = await userWithPasskey(tab, 'reset');
    await signOut(page);
    // After a compromise the admin forces a reset; pre-login answers reset_required, so the passkey on
    // this device no longer signs the user in.
    const resetCode = await codeSentBy(e2e.stack.urls.outbox, email, () => resetPassword(e2e.stack, email));
    await page.getByText('Welcome back').waitFor();
    await page.locator('.cb-passkey-button').click();
    await page.getByTestId('login-password').waitFor();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);

    // The password is refused with PasswordResetRequiredException: on to the reset, email filled in.
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/reset-password/);
    await expect(page.locator('#reset-email').inputValue()).resolves.toBe(email);
    const code = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Send a code', exact: true }).click();
      await page.locator('#reset-code').waitFor();
    });
    expect(code).not.toBe(resetCode);
    await page.locator('#reset-code').fill(code);
    await page.locator('#reset-password').fill(`${PASSWORD}-new`);
    await screenshot(page, '10-reset-password');
    await page.getByRole('button', { name: 'Set the new password', exact: true }).click();
    // The new password signs in; the email code follows, as this user has a passkey (and so MFA).
    await page.waitForURL(/\/login\?mode=password/);
    await page.locator('#password').fill(`${PASSWORD}-new`);
    await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#email-code').waitFor();
    });
  });

  journey('stays signed out when the passkey ceremony is cancelled', async (tab) => {
    const { page, cdp } = tab;
    const email = await userWithPasskey(tab, 'cancel');
    await signOut(page);
    await page.getByText('Welcome back').waitFor();
    // The authenticator refuses user verification: the browser reports the ceremony as not allowed.
    await cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: tab.authenticatorId,
      isUserVerified: false,
    });
    await page.locator('.cb-passkey-button').click();
    // WebAuthn answers a closed prompt and a device without the passkey alike: straight to the password
    // form, email kept, with the sentence that says why.
    await page.getByTestId('login-password').waitFor();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
    await page.getByText(/No passkey was used: this device has none for this account/).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    const signedIn = await page.evaluate(() =>
      Object.keys(localStorage).some(
        (key) => key.startsWith('CognitoIdentityServiceProvider') && key.endsWith('.idToken'),
      ),
    );
    expect(signedIn).toBe(false);
    await screenshot(page, '09-login-cancelled');
  });

  journey('gives no connect token for a forged idToken', async ({ page }) => {
    const email = uniqueEmail('forged');
    await createUser(e2e.stack, email);
    await signInWithPassword(page, email);

    // Same claims, another signature: Amplify only decodes tokens, the Server Action verifies them.
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) {
        if (!key.endsWith('.idToken')) continue;
        const [header, payload] = localStorage.getItem(key)!.split('.');
        localStorage.setItem(key, `${header}.${payload}.${'A'.repeat(342)}`);
      }
    });
    const logged = e2e.appLog.length;
    await page.goto(url('/profile'));
    await page.getByTestId('profile-email').waitFor();
    await expect
      .poll(() => e2e.appLog.slice(logged).join('\n'), { timeout: 20_000 })
      .toContain('"code":"invalid_token"');
    expect(await passkeyItems(page).count()).toBe(0);
  });

  journey('sends visitors without a session from protected pages to the login', async ({ page }) => {
    for (const path of ['/profile', '/post-login']) {
      await page.goto(url(path));
      await page.waitForURL(/\/login/);
    }
    // The app's icon: a first visit asks for /favicon.ico.
    const icon = await page.request.get(url('/favicon.ico'));
    expect(icon.status()).toBe(200);
  });

  journey('keeps the typed email on the way to the password form', async ({ page }) => {
    const email = uniqueEmail('typed');
    await page.goto(url('/login'));
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Sign in with password instead', exact: true }).click();
    await expect(page.locator('#password-email').inputValue()).resolves.toBe(email);
    await expect(page.getByRole('link', { name: 'Lost your passkey?' }).getAttribute('href')).resolves.toBe(
      `/reset-password?email=${encodeURIComponent(email)}&reason=lost_passkey`,
    );
  });
});
