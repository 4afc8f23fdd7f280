import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/index';
import { SoftwareAuthenticator } from '../../src/software-authenticator';
import type { backendClient } from '../backend';
import { fapiClient } from '../fapi';
import { testActions, testUser } from '../fixtures';
import {
  type BrowserSuite,
  COMPONENTS_PAGE_BODY,
  openTestPage,
  startBrowserSuite,
  type TestPage,
} from './harness';

// The React components of @corbado/connect-react 0.2.4-alpha.0 against local-connect in Chromium: the
// screens a user sees, driven by clicks, with the CDP virtual authenticator and the test action scripts.
// Every test has its own user and its own browser context.

const PROJECT_ID = 'pro-1';

interface User {
  email: string;
  username: string;
}

describe('local-connect with the Connect React components in Chromium', () => {
  let browser: Browser;
  let site: { origin: string; close(): Promise<void> };
  let server: RunningServer;
  let backend: ReturnType<typeof backendClient>;
  const actions = testActions();
  const opened: { tab: TestPage; pageErrors: string[] }[] = [];

  let suite: BrowserSuite | undefined;

  beforeAll(async () => {
    suite = await startBrowserSuite({ entry: 'components-page.ts', body: COMPONENTS_PAGE_BODY, actions });
    ({ browser, server, backend } = suite);
    [site] = suite.sites as [typeof site];
  });

  afterEach(async () => {
    const done = opened.splice(0);
    await Promise.all(done.map(({ tab }) => tab.context.close()));
    // No test may leave an uncaught error on its page.
    expect(done.flatMap(({ pageErrors }) => pageErrors)).toEqual([]);
  });

  afterAll(() => suite?.stop());

  function viewPath(view: string, extra = ''): string {
    return `/?view=${view}&project=${PROJECT_ID}&api=${encodeURIComponent(server.url)}${extra}`;
  }

  /** A fresh browser profile showing `view`, whose connect tokens are minted for `user`. */
  async function openView(user: User, view: string, extra = ''): Promise<TestPage> {
    const tab = await openTestPage(browser, site.origin, {
      path: viewPath(view, extra),
      prepare: async (context) => {
        await context.exposeFunction(
          'connectToken',
          (type: 'passkey-append' | 'passkey-list' | 'passkey-delete') =>
            backend.createConnectToken(type, { identifier: user.username, displayName: user.email }),
        );
      },
    });
    const pageErrors: string[] = [];
    tab.page.on('pageerror', (err) => pageErrors.push(err.message));
    opened.push({ tab, pageErrors });
    return tab;
  }

  async function show(tab: TestPage, view: string, extra = '') {
    await tab.page.goto(`${site.origin}${viewPath(view, extra)}`);
    await tab.page.waitForSelector('body[data-ready="true"]');
  }

  async function nextEvent(tab: TestPage, name: string): Promise<unknown[]> {
    const handle = await tab.page.waitForFunction(
      (n) => (window as unknown as { events: unknown[][] }).events.find((e) => e[0] === n),
      name,
      { timeout: 20_000 },
    );
    return (await handle.jsonValue()) as unknown[];
  }

  async function activatePasskey(tab: TestPage) {
    await tab.page.getByRole('button', { name: 'Activate passkey' }).click();
    await tab.page.getByText('Success!').waitFor();
    await tab.page.getByRole('button', { name: 'Continue' }).click();
    expect(await nextEvent(tab, 'append-complete')).toEqual(['append-complete']);
  }

  /** A user who added a passkey on the append screen of a fresh browser profile. */
  async function userWithPasskey(): Promise<User & { tab: TestPage }> {
    const user = testUser();
    const tab = await openView(user, 'append');
    await activatePasskey(tab);
    return { ...user, tab };
  }

  async function forgetLastLogin(tab: TestPage) {
    await tab.page.evaluate((key) => localStorage.removeItem(key), `cbo_connect_last_login-${PROJECT_ID}`);
  }

  it('adds a passkey from the append screen and runs post-append', async () => {
    const user = testUser();
    const tab = await openView(user, 'append');
    await activatePasskey(tab);
    expect(actions.postAppendCalls()).toContainEqual({ username: user.username });
  });

  it('logs in from the "Welcome back" one-tap screen', async () => {
    const { username, tab } = await userWithPasskey();
    await show(tab, 'login');
    await tab.page.getByText('Welcome back').waitFor();
    await tab.page.locator('.cb-passkey-button').click();
    const [, session] = await nextEvent(tab, 'login-complete');
    expect(decodeJwt(session as string)).toMatchObject({ webauthnId: username, isCUI: false });
    expect(await backend.verifySignedPasskeyData(session as string, username)).toBe('success');
  });

  it('logs in with a typed email', async () => {
    const { email, username, tab } = await userWithPasskey();
    await forgetLastLogin(tab);
    await show(tab, 'login', '&cui=off');
    await tab.page.locator('#email').fill(email);
    await tab.page.getByRole('button', { name: 'Login' }).click();
    const [, session] = await nextEvent(tab, 'login-complete');
    expect(await backend.verifySignedPasskeyData(session as string, username)).toBe('success');
  });

  it('shows "no account" when pre-login returns user_not_found', async () => {
    const user = testUser('unknown');
    const tab = await openView(user, 'login', '&cui=off');
    await tab.page.locator('#email').fill(user.email);
    await tab.page.getByRole('button', { name: 'Login' }).click();
    await tab.page.getByText('There is no account registered with this email.').waitFor();
  });

  it.each(['reset', 'silent'])('hands over to the password form when pre-login answers %s', async (kind) => {
    const user = testUser(kind);
    const tab = await openView(user, 'login', '&cui=off');
    await tab.page.locator('#email').fill(user.email);
    await tab.page.getByRole('button', { name: 'Login' }).click();
    // 0.2.4 passes no message for either: a returned custom code is a fallback like a silent one.
    expect(await nextEvent(tab, 'login-fallback')).toEqual(['login-fallback', user.email, null]);
  });

  it('logs in through passkey autofill (conditional UI)', async () => {
    const { username, tab } = await userWithPasskey();
    await forgetLastLogin(tab);
    await show(tab, 'login');
    const [, session] = await nextEvent(tab, 'login-complete');
    expect(decodeJwt(session as string)).toMatchObject({ webauthnId: username, isCUI: true });
  });

  it('lists the passkey with its dates and deletes it', async () => {
    const { username, tab } = await userWithPasskey();
    await show(tab, 'list');
    const deleteIcon = tab.page.locator('.cb-passkey-list-item-delete-icon .cb-link-button');
    // The list's item is the one with a delete icon (the confirmation modal shows the passkey without one).
    const item = tab.page.locator('.cb-passkey-list-item', { has: deleteIcon });
    await item.waitFor();
    await expect.poll(() => item.innerText()).toMatch(/Created: \d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}/);
    await deleteIcon.click();
    await tab.page.getByRole('heading', { name: 'Delete passkey' }).waitFor();
    await tab.page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => tab.page.locator('.cb-passkey-list-item').count(), { timeout: 20_000 }).toBe(0);
    const listToken = await backend.createConnectToken('passkey-list', { identifier: username });
    const res = await fetch(`${server.url}/v2/connect/manage/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-corbado-projectid': PROJECT_ID },
      body: JSON.stringify({ connectToken: listToken }),
    });
    expect(((await res.json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
  });

  it('shows a Google Password Manager passkey by name and icon, synced, with the browser and OS it was made on', async () => {
    // Chrome's virtual authenticator reports no AAGUID, so this passkey comes from the software authenticator.
    const user = testUser();
    const post = fapiClient(server.url, PROJECT_ID);
    const processId = (await post('append/init', {}, { origin: site.origin })).body.processID as string;
    const token = await backend.createConnectToken('passkey-append', {
      identifier: user.username,
      displayName: user.email,
    });
    const started = await post(
      'append/start',
      { appendTokenValue: token },
      { processId, origin: site.origin },
    );
    const attestationResponse = new SoftwareAuthenticator().create(
      started.body.attestationOptions as string,
      {
        origin: site.origin,
        aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
        backupEligible: true,
        backupState: true,
      },
    );
    const finished = await post(
      'append/finish',
      { attestationResponse },
      {
        processId,
        origin: site.origin,
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      },
    );
    expect(finished.status).toBe(200);

    const tab = await openView(user, 'list');
    const item = tab.page.locator('.cb-passkey-list-item', {
      has: tab.page.locator('.cb-passkey-list-item-delete-icon'),
    });
    await item.waitFor();
    await expect
      .poll(() => item.locator('.cb-passkey-list-item-title').innerText())
      .toBe('Google Password Manager');
    expect(await item.locator('img.cb-passkey-list-item-icon').getAttribute('src')).toMatch(/^data:image\//);
    expect(await item.innerText()).toContain('Synced');
    expect(await item.innerText()).toMatch(/with Chrome on macOS/);
  });
});
