import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/index';
import type { backendClient } from '../backend';
import { captureLog, testActions, testUser } from '../fixtures';
import { type BrowserSuite, openTestPage, startBrowserSuite, type TestPage } from './harness';

// The proof with the official client: @corbado/web-core 2.18.0's ConnectService (the code
// @corbado/connect-react 0.2.4-alpha.0 runs) in Chromium, real WebAuthn from the CDP virtual authenticator,
// the test action scripts. Every test has its own user and its own browser context.

const PROJECT_ID = 'pro-1';

interface PasskeyOperation {
  operationType: string;
  identifierValue: string;
  identifierType: string;
}
interface LoginFinish {
  session: string;
  signedPasskeyData: string;
  passkeyOperation: PasskeyOperation;
}
interface Passkey {
  id: string;
  credentialID: string;
  created: string;
  lastUsed: string;
  transport: string[];
}

describe('local-connect with the official Connect client in Chromium', () => {
  let browser: Browser;
  let page: { origin: string; close(): Promise<void> };
  let otherPage: { origin: string; close(): Promise<void> };
  let server: RunningServer;
  let backend: ReturnType<typeof backendClient>;
  let clockOffsetMs = 0;
  const actions = testActions({ preLoginTimeoutMs: 500 });
  const logs = captureLog();
  const tabs: TestPage[] = [];

  let suite: BrowserSuite | undefined;

  beforeAll(async () => {
    suite = await startBrowserSuite({
      sites: 2,
      actions,
      log: logs.log,
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    ({ browser, server, backend } = suite);
    [page, otherPage] = suite.sites as [typeof page, typeof otherPage];
  });

  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((tab) => tab.context.close()));
  });

  afterAll(() => suite?.stop());

  /** A fresh browser profile (context, localStorage, authenticator) on `origin`, the client set up. */
  async function newTab(origin = page.origin): Promise<TestPage> {
    const tab = await openTestPage(browser, origin);
    tabs.push(tab);
    await tab.call('setup', PROJECT_ID, server.url);
    return tab;
  }

  function appendToken(user: { email: string; username: string }) {
    return backend.createConnectToken('passkey-append', {
      identifier: user.username,
      displayName: user.email,
    });
  }

  /** A user with one passkey, appended through the client in a fresh tab. */
  async function userWithPasskey() {
    const user = testUser();
    const tab = await newTab();
    expect((await tab.call('append', await appendToken(user))).ok).toBe(true);
    return { ...user, tab };
  }

  it('appends a passkey with an append token and runs post-append', async () => {
    const user = testUser();
    const tab = await newTab();
    const result = await tab.call('append', await appendToken(user));
    expect(result).toMatchObject({
      ok: true,
      val: {
        passkeyOperation: { operationType: 'append', identifierValue: user.email, identifierType: 'email' },
      },
    });
    expect(actions.postAppendCalls()).toContainEqual({ username: user.username });
    const { credentials } = await tab.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: tab.authenticatorId,
    });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
  });

  it('refuses a consumed append token', async () => {
    const user = testUser();
    const tab = await newTab();
    const token = await appendToken(user);
    expect((await tab.call('append', token)).ok).toBe(true);
    const again = await tab.call('append', token);
    // The client carries the server's error.type in its message: `… (invalid_connect_token)`.
    expect(again).toMatchObject({ ok: false, error: 'NonRecoverableError' });
    expect((again as { message: string }).message).toContain('(invalid_connect_token)');
  });

  it('offers no second passkey in a browser profile that holds one, unless the user asks', async () => {
    const { tab, ...user } = await userWithPasskey();
    // The client kept the handle of its client environment that the first init handed out.
    expect(await tab.call('storage', 'cbo_client_handle')).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // A later visit (a fresh process; the client sends the handle back): the component would skip.
    await tab.call('setup', PROJECT_ID, server.url);
    expect(await tab.call('append', await appendToken(user))).toEqual({ ok: true, val: 'skipped' });

    // Asked for by the user: offered, and the authenticator refuses a second passkey for the account.
    const forced = await tab.call('append', await appendToken(user), true);
    expect(forced).toMatchObject({ ok: false, error: 'ExcludeCredentialsMatchError' });

    // Another browser profile is offered one.
    expect((await (await newTab()).call('append', await appendToken(user))).ok).toBe(true);
  });

  it('logs in with a typed email; signedPasskeyData verifies once, for its user only', async () => {
    const { email, username, tab } = await userWithPasskey();
    const result = await tab.call('login', email);
    expect(result.ok).toBe(true);
    const val = (result as { val: LoginFinish }).val;
    expect(val.session).toBe(val.signedPasskeyData);
    expect(val.passkeyOperation).toMatchObject({ operationType: 'verify', identifierValue: email });

    expect(decodeProtectedHeader(val.session)).toMatchObject({
      alg: 'ES256',
      typ: 'JWT',
      kid: expect.stringMatching(/^pki-/) as unknown,
    });
    const claims = decodeJwt(val.session);
    expect(claims).toMatchObject({ iss: PROJECT_ID, webauthnId: username, isCUI: false });
    expect(claims.sub).toMatch(/^usr-\d+$/);
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.nbf).toBe(claims.iat! - 10);
    expect(claims.credential).toMatch(/^cre-\d+$/);
    expect(claims.challengeId).toMatch(/^was-\d+$/);

    const parts = val.session.split('.');
    const tampered = [parts[0], parts[1], `${parts[2]!.slice(0, -4)}AAAA`].join('.');
    expect(await backend.verifySignedPasskeyData(tampered, username)).toBe('invalid_signature');
    expect(await backend.verifySignedPasskeyData(val.session, 'someone-else')).toBe('user_mismatch');
    expect(await backend.verifySignedPasskeyData(val.session, username)).toBe('success');
    expect(await backend.verifySignedPasskeyData(val.session, username)).toBe('invalid_challenge');

    const lastLogin = JSON.parse(
      (await tab.call('storage', `cbo_connect_last_login-${PROJECT_ID}`))!,
    ) as object;
    expect(lastLogin).toMatchObject({ identifierValue: email });
  });

  it('rejects signedPasskeyData once it has expired', async () => {
    const { email, username, tab } = await userWithPasskey();
    const result = await tab.call('login', email);
    const jwt = (result as { val: LoginFinish }).val.session;
    clockOffsetMs += 301_000;
    try {
      expect(await backend.verifySignedPasskeyData(jwt, username)).toBe('invalid_challenge');
    } finally {
      clockOffsetMs -= 301_000;
    }
  });

  it('answers an email pre-login does not know with the "user not found" error', async () => {
    const tab = await newTab();
    const result = await tab.call('login', testUser('unknown').email);
    expect(result).toMatchObject({ ok: false, error: 'ConnectUserNotFound' });
  });

  it('hands a returned custom error to the client with its code', async () => {
    const tab = await newTab();
    const result = await tab.call('login', testUser('reset').email);
    expect(result).toMatchObject({ ok: false, error: 'ConnectCustomError(reset_required)' });
  });

  it.each(['silent', 'throw', 'hang', 'garbage'])(
    'falls back quietly when pre-login gives a %s outcome',
    async (kind) => {
      const tab = await newTab();
      const result = await tab.call('login', testUser(kind).email);
      expect(result).toMatchObject({ ok: false, error: 'NoPasskeyAvailableError' });
    },
  );

  it('logs in through conditional UI without a typed identifier', async () => {
    const { email, username, tab } = await userWithPasskey();
    const result = await tab.call('conditionalLogin');
    expect(result.ok).toBe(true);
    const val = (result as { val: LoginFinish }).val;
    expect(decodeJwt(val.session)).toMatchObject({ webauthnId: username, isCUI: true });
    expect(val.passkeyOperation.identifierValue).toBe(email);
    expect(await backend.verifySignedPasskeyData(val.session, username)).toBe('success');
  });

  it('lists and deletes passkeys; list tokens are reusable, delete tokens are not', async () => {
    const { username, tab } = await userWithPasskey();
    const listToken = await backend.createConnectToken('passkey-list', { identifier: username });
    const listed = await tab.call('list', listToken);
    expect(listed.ok).toBe(true);
    const passkeys = (listed as { val: { passkeys: Passkey[] } }).val.passkeys;
    expect(passkeys).toHaveLength(1);
    const [passkey] = passkeys;
    expect(passkey!.id).toMatch(/^pky-\d+$/);
    expect(Number.isNaN(new Date(passkey!.created).getTime())).toBe(false);
    expect(Number.isNaN(new Date(passkey!.lastUsed).getTime())).toBe(false);
    expect(Array.isArray(passkey!.transport)).toBe(true);

    const deleteToken = await backend.createConnectToken('passkey-delete', { identifier: username });
    expect(await tab.call('remove', deleteToken, passkey!.id)).toEqual({
      ok: true,
      val: { credentialID: passkey!.id },
    });
    expect(await tab.call('list', listToken)).toMatchObject({ ok: true, val: { passkeys: [] } });
    expect((await tab.call('remove', deleteToken, passkey!.id)).ok).toBe(false);
  });

  it('rejects a login with a passkey the server no longer knows', async () => {
    const { username, tab } = await userWithPasskey();
    const listToken = await backend.createConnectToken('passkey-list', { identifier: username });
    const listed = (await tab.call('list', listToken)) as { val: { passkeys: Passkey[] } };
    const deleteToken = await backend.createConnectToken('passkey-delete', { identifier: username });
    expect((await tab.call('remove', deleteToken, listed.val.passkeys[0]!.id)).ok).toBe(true);
    // The virtual authenticator still holds the deleted credential; 0.2.4 reads the 404 as "passkey deleted".
    const result = await tab.call('conditionalLogin');
    expect(result).toMatchObject({ ok: false, error: 'ConnectConditionalUIPasskeyDeleted' });
  });

  it('serves no page origin outside the configured ones', async () => {
    const stranger = await newTab(otherPage.origin);
    expect(await stranger.call('loginInit')).toMatchObject({ ok: false, error: 'ConnectRequestTimedOut' });
  });

  it('rejects a WebAuthn response made on another origin', async () => {
    // Drive the API directly (no Origin header, as a server would) and let the other page's authenticator answer.
    const headers = { 'content-type': 'application/json', 'x-corbado-projectid': PROJECT_ID };
    const post = async (path: string, body: unknown, processId?: string) => {
      const res = await fetch(`${server.url}/v2/connect/${path}`, {
        method: 'POST',
        headers: processId ? { ...headers, 'x-corbado-process-id': processId } : headers,
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const init = await post('append/init', {});
    const processId = init.body.processID as string;
    const startRes = await post(
      'append/start',
      { appendTokenValue: await appendToken(testUser()), loadedMs: 0 },
      processId,
    );
    const stranger = await newTab(otherPage.origin);
    const attestation = await stranger.call('rawCreate', startRes.body.attestationOptions as string);
    const finish = await post('append/finish', { attestationResponse: attestation }, processId);
    expect(finish.status).toBe(400);
    expect(finish.body).toMatchObject({ error: { type: 'webauthn_verification_failed' } });
  });
});
