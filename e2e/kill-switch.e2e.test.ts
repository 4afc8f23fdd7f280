/// <reference lib="dom" />
// The kill switch end to end: an operator flips the passkey mode parameter and, within the mode cache
// (1 s here), the app and the triggers follow it, with no deploy and no restart. `off` leaves the password
// form only and the triggers refuse passkey answers (also one to a challenge issued before the switch);
// `login-only` signs in with passkeys but offers no new one; `on` brings both back.

import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  a11yTally,
  activatePasskey,
  createUser,
  expectAccessible,
  inTabs,
  browserStack,
  passkeyItems,
  screenshot,
  signInWithPassword,
  uniqueEmail,
} from './support';

const e2e = browserStack('kill-switch', { passkeyModeCacheSeconds: 1 });
const { url } = e2e;
let cognito: CognitoIdentityProviderClient;

beforeAll(() => {
  // Cognito's public operations (InitiateAuth, RespondToAuthChallenge), which anyone holding a
  // signedPasskeyData may call; the SDK signs with whatever key it has, and Cognito ignores it for these.
  cognito = new CognitoIdentityProviderClient({
    endpoint: e2e.stack.urls.localAws,
    region: e2e.stack.ids.region,
    credentials: { ...e2e.stack.adminCredentials },
  });
});

afterAll(() => {
  console.log(
    `kill switch a11y: ${a11yTally.scans} scans, ${a11yTally.failing} serious or critical violations`,
  );
  cognito?.destroy();
});
/** How long a flip may take to show: a few mode-cache periods, plus a page load on a busy machine. */
const FLIP = { timeout: 20_000, interval: 250 };

/** Which form a fresh load of the login page starts with: the passkey component or the password form. */
async function loginStep(page: Page): Promise<string> {
  await page.goto(url('/login'));
  const card = page.locator('[data-testid="login-passkey"], [data-testid="login-password"]');
  await card.waitFor();
  return (await card.getAttribute('data-testid')) ?? '';
}

/**
 * A passkey login on this page whose answer (the signedPasskeyData) is kept instead of sent: the
 * browser's RespondToAuthChallenge is stopped before it reaches Cognito, so the answer is still unused.
 */
async function capturePasskeyAnswer(page: Page): Promise<string> {
  let answer: string | undefined;
  const cognitoUrl = (target: URL) => target.href.startsWith(e2e.stack.urls.localAws);
  await page.route(cognitoUrl, async (route) => {
    const request = route.request();
    if (request.headers()['x-amz-target']?.endsWith('.RespondToAuthChallenge')) {
      const body = request.postDataJSON() as { ChallengeResponses?: { ANSWER?: string } };
      answer = body.ChallengeResponses?.ANSWER;
      await route.abort('blockedbyclient');
    } else {
      await route.continue();
    }
  });
  await page.goto(url('/login'));
  await page.locator('.cb-passkey-button').click();
  await expect.poll(() => answer, { timeout: 20_000 }).toBeTruthy();
  await page.unroute(cognitoUrl);
  return answer!;
}

/** The Cognito username a signedPasskeyData is for (its `webauthnId` claim). */
function usernameOf(signedPasskeyData: string): string {
  const payload = signedPasskeyData.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { webauthnId: string }).webauthnId;
}

/** Starts Cognito's custom auth for `username`: the challenge's session, or the error's name. */
async function startPasskeySignIn(username: string): Promise<{ session?: string; refused?: string }> {
  try {
    const started = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: e2e.stack.ids.clientId,
        AuthParameters: { USERNAME: username },
      }),
    );
    return { session: started.Session };
  } catch (error) {
    return { refused: (error as Error).name };
  }
}

/** Answers the challenge of `session`: `tokens` when Cognito signs the user in, else the error's name. */
async function answer(username: string, session: string, signedPasskeyData: string): Promise<string> {
  try {
    const done = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: e2e.stack.ids.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses: { USERNAME: username, ANSWER: signedPasskeyData },
      }),
    );
    return done.AuthenticationResult?.IdToken ? 'tokens' : 'no tokens';
  } catch (error) {
    return (error as Error).name;
  }
}

async function signOut(page: Page) {
  await page.goto(url('/profile'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

describe('the passkey mode (kill switch)', () => {
  it('off, login-only and on again, each within the mode cache, with no restart', () =>
    inTabs(e2e.browser, 'kill switch', 1, async ({ page }) => {
      // on: a user adds a passkey on this device; two of its answers are kept unused.
      const email = uniqueEmail('switch');
      await createUser(e2e.stack, email);
      await signInWithPassword(page, e2e.stack.urls.app, email);
      await activatePasskey(page);
      await signOut(page);
      const [first, second] = [await capturePasskeyAnswer(page), await capturePasskeyAnswer(page)];
      const username = usernameOf(first);
      // A sign-in whose challenge is issued now, and answered after the switch.
      const early = await startPasskeySignIn(username);
      expect(early.session).toBeTruthy();

      // off: the page offers the password form only, and the triggers refuse passkey sign-ins.
      await e2e.stack.setPasskeyMode('off');
      await expect.poll(() => loginStep(page), FLIP).toBe('login-password');
      expect(await page.locator('.cb-passkey-button, #email').count()).toBe(0);
      await expectAccessible(page, 'login with passkeys off');
      await screenshot(page, 'off-password-only');
      await expect
        .poll(async () => (await startPasskeySignIn(username)).refused, FLIP)
        .toBe('NotAuthorizedException');
      expect(await answer(username, early.session!, first)).toBe('NotAuthorizedException');
      // Password sign-in never depends on the mode.
      await page.locator('#password-email').fill(email);
      await page.locator('#password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('login-email-code').or(page.locator('[data-testid="profile"]')).waitFor();
      await page.goto(url('/login'));

      // login-only: passkey login is back; a password sign-in without a passkey gets no offer.
      await e2e.stack.setPasskeyMode('login-only');
      await expect.poll(() => loginStep(page), FLIP).toBe('login-passkey');
      await screenshot(page, 'login-only-passkey-login');
      await page.locator('.cb-passkey-button').click();
      await page.waitForURL(/\/profile/);
      await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(email);
      // The passkey is listed (and may be deleted), but the list offers no new one.
      await expect.poll(() => passkeyItems(page).count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByRole('button', { name: 'Add a passkey' }).isVisible()).toBe(false);
      await expectAccessible(page, 'profile in login-only');
      await screenshot(page, 'login-only-profile');
      await signOut(page);
      // Sign-up offers the password way only: a passkey-first account could not get its passkey.
      await page.goto(url('/signup'));
      await page.locator('#signup-password').waitFor();
      expect(await page.getByRole('button', { name: /with a passkey/ }).count()).toBe(0);
      const other = uniqueEmail('switch-other');
      await createUser(e2e.stack, other);
      await page.goto(url(`/login?mode=password&email=${encodeURIComponent(other)}`));
      await page.locator('#password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/profile/);
      await expect.poll(() => page.getByTestId('profile-email').innerText()).toBe(other);
      await screenshot(page, 'login-only-no-passkey-offer');

      // on: the offer is back for the signed-in user, and the kept answer signs its user in.
      await e2e.stack.setPasskeyMode('on');
      await expect
        .poll(async () => {
          await page.goto(url('/post-login'));
          const offer = page.getByRole('button', { name: 'Activate passkey' });
          await offer.or(page.getByTestId('profile-email')).waitFor();
          return offer.isVisible();
        }, FLIP)
        .toBe(true);
      await screenshot(page, 'on-passkey-offer');
      const again = await startPasskeySignIn(username);
      expect(again.refused).toBeUndefined();
      expect(await answer(username, again.session!, second)).toBe('tokens');
    }));
});
