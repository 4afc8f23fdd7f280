/// <reference lib="dom" />
// Accessibility in Chromium, against the whole local stack: axe-core (WCAG 2.0/2.1 A and AA, best
// practices) on every page in every state a user can meet, with the Connect components rendered as our
// markup and CSS leave them; and the main journeys by keyboard alone (Tab, Enter, Space and typing).

import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  a11yTally,
  activatePasskey,
  codeSentBy,
  createUser,
  expectAccessible,
  hasFocus,
  inTabs,
  browserStack,
  passkeyItems,
  screenshot,
  signInWithPassword,
  tabTo,
  uniqueEmail,
} from './support';

const e2e = browserStack('a11y');
const { url, journey } = e2e;

afterAll(() => {
  console.log(
    `a11y: ${a11yTally.scans} scans, ${a11yTally.failing} serious or critical violations, ` +
      `${a11yTally.other} moderate or minor (${[...a11yTally.rules].join(', ') || 'none'}), ` +
      `${a11yTally.known} in the Connect components' own markup`,
  );
});

/** One page state: scanned, and kept as a step of the gallery. */
async function check(page: Page, label: string): Promise<void> {
  await expectAccessible(page, label);
  await screenshot(page, label);
}

/** The form's own alert (Next.js renders a second, empty role="alert" route announcer on every page). */
const formAlert = (page: Page) => page.locator('main [role="alert"]');

describe('accessibility of every page state (axe-core)', () => {
  it('fails a page with a serious violation, naming the rule and the element', () =>
    inTabs(e2e.browser, 'a11y control', 1, async ({ page }) => {
      // A button and an image with no text alternative: what the scans below must catch.
      await page.setContent(
        '<html lang="en"><head><title>control</title></head><body><main><h1>Control</h1>' +
          '<button id="mute"></button>' +
          '<img id="bare" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>',
      );
      const counted = { ...a11yTally, rules: new Set(a11yTally.rules) };
      await expect(expectAccessible(page, 'control')).rejects.toThrow(/image-alt[\s\S]*#bare/);
      await expect(expectAccessible(page, 'control')).rejects.toThrow(/button-name[\s\S]*#mute/);
      Object.assign(a11yTally, counted); // the control is not a page of ours: not in the summary
    }));

  journey('login: email step, fallback, wrong password, notices', async ({ page }) => {
    await page.goto(url('/login'));
    await page.locator('#email').waitFor();
    await check(page, 'login-email-step');

    // An address without a passkey: the component hands over to our password form.
    const email = uniqueEmail('a11y-login');
    await createUser(e2e.stack, email);
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Login', exact: true }).click();
    await page.getByTestId('login-password').waitFor();
    await check(page, 'login-password-fallback');

    await page.locator('#password').fill(`${PASSWORD}-wrong`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await formAlert(page).waitFor();
    await check(page, 'login-wrong-password');

    await page.goto(url('/login?reason=session_revoked'));
    await page.locator('#email').waitFor();
    await check(page, 'login-session-ended-notice');
  });

  journey('sign-up with a passkey: email, code, the passkey to create', async ({ page }) => {
    const email = uniqueEmail('a11y-passkey-first');
    await page.goto(url('/signup'));
    await page.locator('#signup-email').waitFor();
    await check(page, 'signup-passkey-first');
    await page.locator('#signup-email').fill(email);
    const code = await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey', exact: true }).click();
      await page.locator('#signup-code').waitFor();
    });
    await check(page, 'signup-confirm');
    await page.locator('#signup-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await formAlert(page).waitFor();
    await check(page, 'signup-wrong-code');
    await page.locator('#signup-code').fill(code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.waitForURL(/\/post-login\?new=1/);
    await page.getByRole('button', { name: 'Activate passkey' }).waitFor();
    await check(page, 'post-login-new-account');
  });

  journey('sign-up with a password: details, refused details', async ({ page }) => {
    await page.goto(url('/signup'));
    await page.getByRole('button', { name: 'Sign up with a password instead', exact: true }).click();
    await page.locator('#signup-password').waitFor();
    await check(page, 'signup-password');

    // An address that is taken: the pool refuses it.
    const taken = uniqueEmail('a11y-taken');
    await createUser(e2e.stack, taken);
    await page.locator('#signup-email').fill(taken);
    await page.locator('#signup-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await formAlert(page).waitFor();
    await check(page, 'signup-refused');
  });

  journey('post-login offer, profile with passkeys, delete dialog, welcome back, email code', async (tab) => {
    const { page } = tab;
    const email = uniqueEmail('a11y-passkey');
    await createUser(e2e.stack, email);
    await signInWithPassword(page, e2e.stack.urls.app, email);
    await page.getByRole('button', { name: 'Activate passkey' }).waitFor();
    await check(page, 'post-login-append');

    await activatePasskey(page);
    await check(page, 'profile-with-passkey');

    await passkeyItems(page).first().locator('.cb-passkey-list-item-delete-icon .cb-link-button').click();
    await page.locator('.cb-modal').getByRole('button', { name: 'Delete', exact: true }).waitFor();
    await check(page, 'profile-delete-dialog');
    await page.locator('.cb-modal').getByRole('button', { name: 'Cancel', exact: true }).click();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByText('Welcome back').waitFor();
    await check(page, 'login-welcome-back');

    // A password sign-in now asks for the email code (post-append turned email MFA on).
    await page.goto(url(`/login?mode=password&email=${encodeURIComponent(email)}`));
    await page.locator('#password').fill(PASSWORD);
    await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#email-code').waitFor();
    });
    await check(page, 'login-email-code');
    await page.locator('#email-code').fill('000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await formAlert(page).waitFor();
    await check(page, 'login-email-code-wrong');
  });

  journey('login: a cancelled passkey ceremony', async (tab) => {
    const { page, cdp } = tab;
    const email = uniqueEmail('a11y-cancel');
    await createUser(e2e.stack, email);
    await signInWithPassword(page, e2e.stack.urls.app, email);
    await activatePasskey(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Welcome back').waitFor();
    await cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: tab.authenticatorId,
      isUserVerified: false,
    });
    await page.locator('.cb-passkey-button').click();
    // The component's own "try again" screen, or our password form with a notice of what happened.
    await page
      .getByText(/confirm it.s really you/)
      .or(page.getByTestId('login-password'))
      .waitFor();
    await check(page, 'login-passkey-cancelled');
  });

  journey('reset password: request, code and new password, wrong code', async ({ page }) => {
    const email = uniqueEmail('a11y-reset');
    await createUser(e2e.stack, email);
    await page.goto(url(`/reset-password?email=${encodeURIComponent(email)}`));
    await page.locator('#reset-email').waitFor();
    await check(page, 'reset-request');
    await codeSentBy(e2e.stack.urls.outbox, email, async () => {
      await page.getByRole('button', { name: 'Send a code', exact: true }).click();
      await page.locator('#reset-code').waitFor();
    });
    await check(page, 'reset-confirm');
    await page.locator('#reset-code').fill('000000');
    await page.locator('#reset-password').fill(`${PASSWORD}-new`);
    await page.getByRole('button', { name: 'Set the new password', exact: true }).click();
    await formAlert(page).waitFor();
    await check(page, 'reset-wrong-code');
  });
});

describe('keyboard only', () => {
  journey('password sign-in with a wrong password first, then a passkey append', async ({ page }) => {
    const email = uniqueEmail('kbd-password');
    await createUser(e2e.stack, email);
    await page.goto(url('/login'));

    // The component's email step: the field, then its button, in that order.
    const emailField = page.locator('#email');
    await tabTo(page, emailField);
    await page.keyboard.type(email);
    expect(await tabTo(page, page.getByRole('button', { name: 'Login', exact: true }), 1)).toBe(1);
    await page.keyboard.press('Enter');

    // No passkey yet: our password form, email filled in. Password, then the button.
    await page.getByTestId('login-password').waitFor();
    const password = page.locator('#password');
    await tabTo(page, password);
    await page.keyboard.type(`${PASSWORD}-wrong`);
    expect(await tabTo(page, page.getByRole('button', { name: 'Sign in', exact: true }), 1)).toBe(1);
    await page.keyboard.press('Enter');

    // The error takes the focus, so a screen reader reads it and the next Tab starts from it.
    const alert = formAlert(page);
    await alert.waitFor();
    await expect.poll(() => hasFocus(alert)).toBe(true);
    await screenshot(page, 'wrong-password-focused');

    await tabTo(page, password);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/post-login/);

    // The passkey offer: its button by Tab, pressed with Space.
    await tabTo(page, page.getByRole('button', { name: 'Activate passkey' }));
    await screenshot(page, 'append-focused');
    await page.keyboard.press('Space');
    await page.getByText('Success!').waitFor();
    await tabTo(page, page.getByTestId('post-login').getByRole('button', { name: 'Continue', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/profile/);
    await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
  });

  journey('passkey login, then deleting the passkey', async ({ page }) => {
    const email = uniqueEmail('kbd-passkey');
    await createUser(e2e.stack, email);
    await signInWithPassword(page, e2e.stack.urls.app, email);
    await activatePasskey(page);

    // Sign out by keyboard; the login offers the one-tap passkey.
    await tabTo(page, page.getByRole('button', { name: 'Sign out' }), 40);
    await page.keyboard.press('Enter');
    await page.getByText('Welcome back').waitFor();
    await tabTo(page, page.locator('.cb-passkey-button'));
    await screenshot(page, 'passkey-button-focused');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/profile/);
    await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(email);

    // Deleting. The Connect list draws its delete control as a <div> with a click handler; the profile
    // makes it a focusable button (apps/web/src/components/passkey-list-keyboard.ts), and its dialog a
    // modal dialog that takes the focus on Cancel and closes on Escape.
    await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
    const deleteControl = passkeyItems(page)
      .first()
      .getByRole('button', { name: /^Delete passkey/ });
    await tabTo(page, deleteControl);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete passkey' });
    await dialog.waitFor();
    await expect.poll(() => hasFocus(dialog.getByRole('button', { name: 'Cancel', exact: true }))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await passkeyItems(page).count()).toBe(1);
    await tabTo(page, deleteControl);
    await page.keyboard.press('Space');
    await dialog.waitFor();
    // The dialog's own buttons are reached by Tab.
    const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
    await tabTo(page, confirm);
    await screenshot(page, 'delete-confirm-focused');
    await page.keyboard.press('Enter');
    await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(0);
  });
});
