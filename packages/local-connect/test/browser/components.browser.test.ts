import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningServer } from '../../src/index';
import { startActionServer, type ActionServer } from '../action-servers';
import { backendClient } from '../backend';
import { captureLog, testConfig } from '../fixtures';
import {
  COMPONENTS_PAGE_BODY,
  bundlePage,
  launchChromium,
  openTestPage,
  servePage,
  type TestPage,
} from './harness';

// The React components of @corbado/connect-react 0.2.4-alpha.0 against local-connect in Chromium: the
// screens a user sees, driven by clicks, with the CDP virtual authenticator.

const PROJECT_ID = 'pro-1';
const SECRET = 'action-secret';
const EMAIL = 'jane@example.com';
const USERNAME = '7c1e2f3a-0000-4000-8000-00000000b002';

describe('local-connect with the Connect React components in Chromium', () => {
  let browser: Browser;
  let site: { origin: string; close(): Promise<void> };
  let actions: ActionServer;
  let server: RunningServer;
  let tab: TestPage;
  let backend: ReturnType<typeof backendClient>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundlePage('components-page.ts');
    [site, actions, browser] = await Promise.all([
      servePage(bundle, COMPONENTS_PAGE_BODY),
      startActionServer({ secret: SECRET, users: { [EMAIL]: USERNAME } }),
      launchChromium(),
    ]);
    server = await start({
      config: testConfig({
        rp: { id: 'localhost', name: 'Cognito Passkeys', origins: [site.origin] },
        actions: {
          preLoginUrl: `${actions.url}/pre-login`,
          postAppendUrl: `${actions.url}/post-append`,
          secret: SECRET,
        },
      }),
      log: captureLog().log,
    });
    backend = backendClient(server.url, PROJECT_ID, 'corbado1_test-secret');
    tab = await openTestPage(browser, site.origin, {
      path: viewPath('append'),
      prepare: async (context) => {
        await context.exposeFunction(
          'connectToken',
          (type: 'passkey-append' | 'passkey-list' | 'passkey-delete') =>
            backend.createConnectToken(type, { identifier: USERNAME, displayName: EMAIL }),
        );
      },
    });
    tab.page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), actions?.close(), site?.close()]);
  });

  function viewPath(view: string, extra = ''): string {
    return `/?view=${view}&project=${PROJECT_ID}&api=${encodeURIComponent(server.url)}${extra}`;
  }

  async function open(view: string, extra = '') {
    await tab.page.goto(`${site.origin}${viewPath(view, extra)}`);
    await tab.page.waitForSelector('body[data-ready="true"]');
  }

  async function nextEvent(name: string): Promise<unknown[]> {
    const handle = await tab.page.waitForFunction(
      (n) => (window as unknown as { events: unknown[][] }).events.find((e) => e[0] === n),
      name,
      { timeout: 20_000 },
    );
    return (await handle.jsonValue()) as unknown[];
  }

  it('adds a passkey from the append screen', async () => {
    await tab.page.getByRole('button', { name: 'Activate passkey' }).click();
    await tab.page.getByText('Success!').waitFor();
    await tab.page.getByRole('button', { name: 'Continue' }).click();
    expect(await nextEvent('append-complete')).toEqual(['append-complete']);
    expect(actions.calls.filter((c) => c.path === '/post-append')).toHaveLength(1);
  });

  it('logs in from the "Welcome back" one-tap screen', async () => {
    await open('login');
    await tab.page.getByText('Welcome back').waitFor();
    await tab.page.locator('.cb-passkey-button').click();
    const [, session] = await nextEvent('login-complete');
    expect(decodeJwt(session as string)).toMatchObject({ webauthnId: USERNAME, isCUI: false });
    expect(await backend.verifySignedPasskeyData(session as string, USERNAME)).toBe('success');
  });

  it('logs in with a typed email', async () => {
    await tab.page.evaluate((key) => localStorage.removeItem(key), `cbo_connect_last_login-${PROJECT_ID}`);
    await open('login', '&cui=off');
    await tab.page.locator('#email').fill(EMAIL);
    await tab.page.getByRole('button', { name: 'Login' }).click();
    const [, session] = await nextEvent('login-complete');
    expect(await backend.verifySignedPasskeyData(session as string, USERNAME)).toBe('success');
  });

  it('shows "no account" for an unknown email', async () => {
    await tab.page.evaluate((key) => localStorage.removeItem(key), `cbo_connect_last_login-${PROJECT_ID}`);
    await open('login', '&cui=off');
    await tab.page.locator('#email').fill('nobody@example.com');
    await tab.page.getByRole('button', { name: 'Login' }).click();
    await tab.page.getByText('There is no account registered with this email.').waitFor();
  });

  it('logs in through passkey autofill (conditional UI)', async () => {
    await tab.page.evaluate((key) => localStorage.removeItem(key), `cbo_connect_last_login-${PROJECT_ID}`);
    await open('login');
    const [, session] = await nextEvent('login-complete');
    expect(decodeJwt(session as string)).toMatchObject({ webauthnId: USERNAME, isCUI: true });
  });

  it('lists the passkey with its dates and deletes it', async () => {
    await open('list');
    const item = tab.page.locator('.cb-passkey-list-item');
    await item.first().waitFor();
    await expect.poll(() => item.first().innerText()).toMatch(/Created: \d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}/);
    await tab.page.locator('.cb-passkey-list-item-delete-icon .cb-link-button').click();
    await tab.page.getByText('Delete passkey').first().waitFor();
    await tab.page.getByRole('button', { name: 'Delete', exact: true }).click();
    // The modal shows the passkey too; once deleted, neither the list nor the modal has an item.
    await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(0);
    const listToken = await backend.createConnectToken('passkey-list', { identifier: USERNAME });
    const res = await fetch(`${server.url}/v2/connect/manage/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-corbado-projectid': PROJECT_ID },
      body: JSON.stringify({ connectToken: listToken }),
    });
    expect(((await res.json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
