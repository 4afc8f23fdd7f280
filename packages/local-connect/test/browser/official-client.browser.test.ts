import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningServer } from '../../src/index';
import { startActionServer, type ActionServer } from '../action-servers';
import { backendClient } from '../backend';
import { captureLog, testConfig } from '../fixtures';
import { bundlePage, launchChromium, openTestPage, servePage, type TestPage } from './harness';

// The proof with the official client: @corbado/web-core 2.18.0's ConnectService (the code
// @corbado/connect-react 0.2.4-alpha.0 runs) in Chromium, real WebAuthn from the CDP virtual authenticator.

const PROJECT_ID = 'pro-1';
const SECRET = 'action-secret';
const EMAIL = 'jane@example.com';
const USERNAME = '7c1e2f3a-0000-4000-8000-00000000a001';

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
  let actions: ActionServer;
  let server: RunningServer;
  let tab: TestPage;
  let backend: ReturnType<typeof backendClient>;
  let clockOffsetMs = 0;
  const logs = captureLog();

  beforeAll(async () => {
    const bundle = await bundlePage();
    [page, otherPage, actions, browser] = await Promise.all([
      servePage(bundle),
      servePage(bundle),
      startActionServer({ secret: SECRET, users: { [EMAIL]: USERNAME }, slowMs: 2000 }),
      launchChromium(),
    ]);
    server = await start({
      config: testConfig({
        rp: { id: 'localhost', name: 'Cognito Passkeys', origins: [page.origin] },
        actions: {
          preLoginUrl: `${actions.url}/pre-login`,
          postAppendUrl: `${actions.url}/post-append`,
          secret: SECRET,
          timeoutMs: 500,
        },
      }),
      now: () => new Date(Date.now() + clockOffsetMs),
      log: logs.log,
    });
    backend = backendClient(server.url, PROJECT_ID, 'corbado1_test-secret');
    tab = await openTestPage(browser, page.origin);
    await tab.call('setup', PROJECT_ID, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), actions?.close(), page?.close(), otherPage?.close()]);
  });

  const appendToken = () =>
    backend.createConnectToken('passkey-append', { identifier: USERNAME, displayName: EMAIL });

  it('appends a passkey with an append token and runs post-append', async () => {
    const token = await appendToken();
    const result = await tab.call('append', token);
    expect(result).toMatchObject({
      ok: true,
      val: { passkeyOperation: { operationType: 'append', identifierValue: EMAIL, identifierType: 'email' } },
    });
    const postAppend = actions.calls.filter((c) => c.path === '/post-append');
    expect(postAppend).toHaveLength(1);
    expect(postAppend[0]).toMatchObject({ authorization: `Bearer ${SECRET}`, body: { username: USERNAME } });
    const { credentials } = await tab.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: tab.authenticatorId,
    });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
  });

  it('refuses a consumed append token', async () => {
    // A second browser profile (its own authenticator), so the first one keeps exactly one passkey.
    const second = await openTestPage(browser, page.origin);
    try {
      await second.call('setup', PROJECT_ID, server.url);
      const token = await backend.createConnectToken('passkey-append', {
        identifier: 'u-2',
        displayName: 'b@x.io',
      });
      expect((await second.call('append', token)).ok).toBe(true);
      const again = await second.call('append', token);
      // The client carries the server's error.type in its message: `… (invalid_connect_token)`.
      expect(again).toMatchObject({ ok: false, error: 'NonRecoverableError' });
      expect((again as { message: string }).message).toContain('(invalid_connect_token)');
    } finally {
      await second.context.close();
    }
  });

  it('excludes the passkeys a user already has', async () => {
    const result = await tab.call('append', await appendToken());
    expect(result).toMatchObject({ ok: false, error: 'ExcludeCredentialsMatchError' });
  });

  it('logs in with a typed email; signedPasskeyData verifies once, for its user only', async () => {
    const result = await tab.call('login', EMAIL);
    expect(result.ok).toBe(true);
    const val = (result as { val: LoginFinish }).val;
    expect(val.session).toBe(val.signedPasskeyData);
    expect(val.passkeyOperation).toMatchObject({ operationType: 'verify', identifierValue: EMAIL });

    const header = decodeProtectedHeader(val.session);
    expect(header).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      kid: expect.stringMatching(/^pki-/) as unknown,
    });
    const claims = decodeJwt(val.session);
    expect(claims).toMatchObject({ iss: PROJECT_ID, webauthnId: USERNAME, isCUI: false });
    expect(claims.sub).toMatch(/^usr-\d+$/);
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.nbf).toBe(claims.iat! - 10);
    expect(claims.credential).toMatch(/^cre-\d+$/);
    expect(claims.challengeId).toMatch(/^was-\d+$/);

    const parts = val.session.split('.');
    const tampered = [parts[0], parts[1], `${parts[2]!.slice(0, -4)}AAAA`].join('.');
    expect(await backend.verifySignedPasskeyData(tampered, USERNAME)).toBe('invalid_signature');
    expect(await backend.verifySignedPasskeyData(val.session, 'someone-else')).toBe('user_mismatch');
    expect(await backend.verifySignedPasskeyData(val.session, USERNAME)).toBe('success');
    expect(await backend.verifySignedPasskeyData(val.session, USERNAME)).toBe('invalid_challenge');

    const lastLogin = JSON.parse(
      (await tab.call('storage', `cbo_connect_last_login-${PROJECT_ID}`))!,
    ) as object;
    expect(lastLogin).toMatchObject({ identifierValue: EMAIL });
  });

  it('rejects signedPasskeyData once it has expired', async () => {
    const result = await tab.call('login', EMAIL);
    const jwt = (result as { val: LoginFinish }).val.session;
    clockOffsetMs += 301_000;
    try {
      expect(await backend.verifySignedPasskeyData(jwt, USERNAME)).toBe('invalid_challenge');
    } finally {
      clockOffsetMs -= 301_000;
    }
  });

  it('answers an unknown email with the "user not found" error', async () => {
    const result = await tab.call('login', 'nobody@example.com');
    expect(result).toMatchObject({ ok: false, error: 'ConnectUserNotFound' });
  });

  it.each(['fail@example.com', 'slow@example.com'])('falls back when pre-login fails (%s)', async (email) => {
    const result = await tab.call('login', email);
    expect(result).toMatchObject({ ok: false, error: 'NoPasskeyAvailableError' });
    expect(logs.events).toContainEqual(expect.objectContaining({ event: 'pre_login_failed' }));
  });

  it('logs in through conditional UI without a typed identifier', async () => {
    const result = await tab.call('conditionalLogin');
    expect(result.ok).toBe(true);
    const val = (result as { val: LoginFinish }).val;
    expect(decodeJwt(val.session)).toMatchObject({ webauthnId: USERNAME, isCUI: true });
    expect(val.passkeyOperation.identifierValue).toBe(EMAIL);
    expect(await backend.verifySignedPasskeyData(val.session, USERNAME)).toBe('success');
  });

  it('lists and deletes passkeys; list tokens are reusable, delete tokens are not', async () => {
    const listToken = await backend.createConnectToken('passkey-list', { identifier: USERNAME });
    const listed = await tab.call('list', listToken);
    expect(listed.ok).toBe(true);
    const passkeys = (listed as { val: { passkeys: Passkey[] } }).val.passkeys;
    expect(passkeys).toHaveLength(1);
    const [passkey] = passkeys;
    expect(passkey!.id).toMatch(/^pky-\d+$/);
    expect(Number.isNaN(new Date(passkey!.created).getTime())).toBe(false);
    expect(Number.isNaN(new Date(passkey!.lastUsed).getTime())).toBe(false);
    expect(Array.isArray(passkey!.transport)).toBe(true);

    const deleteToken = await backend.createConnectToken('passkey-delete', { identifier: USERNAME });
    expect(await tab.call('remove', deleteToken, passkey!.id)).toEqual({
      ok: true,
      val: { credentialID: passkey!.id },
    });
    expect(await tab.call('list', listToken)).toMatchObject({ ok: true, val: { passkeys: [] } });
    expect((await tab.call('remove', deleteToken, passkey!.id)).ok).toBe(false);
  });

  it('rejects a login with a passkey the server no longer knows', async () => {
    // The virtual authenticator still holds the deleted credential; 0.2.4 reads the 404 as "passkey deleted".
    const result = await tab.call('conditionalLogin');
    expect(result).toMatchObject({ ok: false, error: 'ConnectConditionalUIPasskeyDeleted' });
  });

  it('serves no page origin outside the configured ones', async () => {
    const stranger = await openTestPage(browser, otherPage.origin);
    try {
      await stranger.call('setup', PROJECT_ID, server.url);
      expect(await stranger.call('loginInit')).toMatchObject({ ok: false, error: 'ConnectRequestTimedOut' });
    } finally {
      await stranger.context.close();
    }
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
    const token = await backend.createConnectToken('passkey-append', {
      identifier: 'u-3',
      displayName: 'c@x.io',
    });
    const startRes = await post('append/start', { appendTokenValue: token, loadedMs: 0 }, processId);
    const stranger = await openTestPage(browser, otherPage.origin);
    try {
      const attestation = await stranger.call('rawCreate', startRes.body.attestationOptions as string);
      const finish = await post('append/finish', { attestationResponse: attestation }, processId);
      expect(finish.status).toBe(400);
      expect(finish.body).toMatchObject({ error: { type: 'webauthn_verification_failed' } });
    } finally {
      await stranger.context.close();
    }
  });
});
