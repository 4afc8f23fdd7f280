import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/index';
import type { backendClient } from '../backend';
import { testActions, testUser } from '../fixtures';
import { type BrowserSuite, openTestPage, startBrowserSuite, type TestPage } from './harness';
import type { ConnectLoginStartRsp } from 'web-core-3/dist/api/v2';
import type { PageApi } from './page-v3';

// Today's client: @corbado/web-core 3.5.0's ConnectService (what current connect-react runs) in Chromium
// against local-connect, with the test action scripts and the CDP virtual authenticator. Every test has
// its own user and its own browser context.

const PROJECT_ID = 'pro-1';

interface PasskeyOperation {
  operationType: string;
  identifierValue: string;
}
interface LoginFinish {
  session: string;
  signedPasskeyData: string;
  passkeyOperation?: PasskeyOperation;
  fallbackOperationError?: { initFallback: boolean; identifier?: string; error?: { code: string } };
}
interface Passkey {
  id: string;
  credentialID: string;
}

describe('local-connect with @corbado/web-core 3.5.0 in Chromium', () => {
  let browser: Browser;
  let site: { origin: string; close(): Promise<void> };
  let server: RunningServer;
  let backend: ReturnType<typeof backendClient>;
  const actions = testActions({ preLoginTimeoutMs: 500 });
  const tabs: TestPage<PageApi>[] = [];

  let suite: BrowserSuite | undefined;

  beforeAll(async () => {
    suite = await startBrowserSuite({ entry: 'page-v3.ts', actions });
    ({ browser, server, backend } = suite);
    [site] = suite.sites as [typeof site];
  });

  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((tab) => tab.context.close()));
  });

  afterAll(() => suite?.stop());

  /** A fresh browser profile (context, localStorage, authenticator) with the 3.5.0 client set up. */
  async function newTab(): Promise<TestPage<PageApi>> {
    const tab = await openTestPage<PageApi>(browser, site.origin);
    tabs.push(tab);
    await tab.call('setup', PROJECT_ID, server.url);
    return tab;
  }

  /** A user with one passkey, appended through the client in a fresh tab. */
  async function userWithPasskey(kind = 'jane') {
    const user = testUser(kind);
    const tab = await newTab();
    const token = await backend.createConnectToken('passkey-append', {
      identifier: user.username,
      displayName: user.email,
    });
    const appended = await tab.call('append', token);
    expect(appended.ok).toBe(true);
    return { ...user, tab };
  }

  async function credentialsOnDevice(tab: TestPage<PageApi>) {
    const { credentials } = await tab.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: tab.authenticatorId,
    });
    return credentials;
  }

  it('appends a passkey and runs post-append for the username', async () => {
    const user = testUser();
    const tab = await newTab();
    const token = await backend.createConnectToken('passkey-append', {
      identifier: user.username,
      displayName: user.email,
    });
    const result = await tab.call('append', token);
    expect(result).toMatchObject({
      ok: true,
      val: {
        passkeyOperation: { operationType: 'append', identifierValue: user.email, identifierType: 'email' },
      },
    });
    expect(actions.postAppendCalls()).toContainEqual({ username: user.username });
    const credentials = await credentialsOnDevice(tab);
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
  });

  it('offers no second passkey in the browser profile that holds one', async () => {
    const { tab, ...user } = await userWithPasskey();
    // 3.x keeps the handle with where it came from and when: {data, source, ts}.
    const kept = JSON.parse((await tab.call('storage', `cbo_client_handle-${PROJECT_ID}`)) ?? '{}') as {
      data?: string;
    };
    expect(kept.data).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const appendToken = () =>
      backend.createConnectToken('passkey-append', { identifier: user.username, displayName: user.email });
    // A later visit: a fresh init carries the handle back, and the component would skip.
    await tab.call('forgetProcess', PROJECT_ID);
    expect(await tab.call('append', await appendToken())).toEqual({ ok: true, val: 'skipped' });
    expect((await (await newTab()).call('append', await appendToken())).ok).toBe(true);
  });

  it('logs in with a typed email; pre-login gives the username the data is signed for', async () => {
    const { email, username, tab } = await userWithPasskey();
    const { start: started, finish } = await tab.call('login', email);
    expect(started).toMatchObject({ ok: true, val: { fallbackOperationError: { initFallback: false } } });
    expect(finish?.ok).toBe(true);
    const val = (finish as { val: LoginFinish }).val;
    expect(val.signedPasskeyData).toBe(val.session);
    expect(decodeJwt(val.signedPasskeyData)).toMatchObject({ webauthnId: username, isCUI: false });
    expect(await backend.verifySignedPasskeyData(val.signedPasskeyData, username)).toBe('success');
  });

  it('logs in from the one-tap screen with the remembered identifier', async () => {
    const { email, username, tab } = await userWithPasskey();
    // The append stored the last login; the one-tap screen starts with it.
    const { finish } = await tab.call('oneTapLogin');
    expect(finish?.ok).toBe(true);
    const val = (finish as { val: LoginFinish }).val;
    expect(val.passkeyOperation).toMatchObject({ operationType: 'verify', identifierValue: email });
    expect(await backend.verifySignedPasskeyData(val.signedPasskeyData, username)).toBe('success');
  });

  it('logs in through conditional UI without a typed identifier', async () => {
    const { username, tab } = await userWithPasskey();
    const result = await tab.call('conditionalLogin');
    expect(result.ok).toBe(true);
    const val = (result as { val: LoginFinish }).val;
    expect(decodeJwt(val.signedPasskeyData)).toMatchObject({ webauthnId: username, isCUI: true });
  });

  it('lists with the WebAuthn user ID, deletes, and the signal removes the passkey from the device', async () => {
    const { username, tab } = await userWithPasskey();
    const listToken = await backend.createConnectToken('passkey-list', { identifier: username });
    const listed = await tab.call('list', listToken, false);
    expect(listed.ok).toBe(true);
    const { passkeys, rpID, userID } = (
      listed as { val: { passkeys: Passkey[]; rpID: string; userID: string } }
    ).val;
    expect(passkeys).toHaveLength(1);
    expect(rpID).toBe('localhost');
    const [onDevice] = await credentialsOnDevice(tab);
    // The device's user handle (base64 in CDP) is the userID the list carries (base64url).
    expect(Buffer.from(onDevice!.userHandle!, 'base64').toString('base64url')).toBe(userID);

    const deleteToken = await backend.createConnectToken('passkey-delete', { identifier: username });
    expect(await tab.call('remove', deleteToken, passkeys[0]!.id)).toEqual({
      ok: true,
      val: { credentialID: passkeys[0]!.id },
    });
    // 3.5.0 hands rpID, userID and the remaining credential IDs to signalAllAcceptedCredentials.
    expect(await tab.call('list', listToken, true)).toMatchObject({ ok: true, val: { passkeys: [] } });
    await expect.poll(async () => (await credentialsOnDevice(tab)).length).toBe(0);
  });

  it('reports a since-deleted passkey at login/finish as a fallback with its code', async () => {
    const { username, tab } = await userWithPasskey();
    const listToken = await backend.createConnectToken('passkey-list', { identifier: username });
    const listed = (await tab.call('list', listToken, false)) as { val: { passkeys: Passkey[] } };
    const deleteToken = await backend.createConnectToken('passkey-delete', { identifier: username });
    expect((await tab.call('remove', deleteToken, listed.val.passkeys[0]!.id)).ok).toBe(true);
    // The device still holds the passkey (no signal was sent); conditional UI offers it.
    const result = await tab.call('conditionalLogin');
    expect(result).toMatchObject({
      ok: true,
      val: {
        session: '',
        signedPasskeyData: '',
        // Conditional UI has no typed identifier.
        fallbackOperationError: { initFallback: true, identifier: '', error: { code: 'unknown_credential' } },
      },
    });
  });

  it('answers an unknown email with fallbackOperationError user_not_found and no options', async () => {
    const { email } = testUser('unknown');
    const tab = await newTab();
    const { start: started, finish } = await tab.call('login', email);
    expect(finish).toBeUndefined();
    expect(started).toEqual({
      ok: true,
      val: {
        assertionOptions: '',
        isCDA: false,
        fallbackOperationError: {
          initFallback: false,
          identifier: email,
          error: { code: 'user_not_found', message: 'There is no account registered to that email address.' },
        },
      },
    });
  });

  it.each([
    [
      'a returned reset_required',
      'reset',
      { code: 'reset_required', message: 'Please reset your password.' },
    ],
    ['a silent error', 'silent', undefined],
    ['a pre-login that throws', 'throw', undefined],
    ['a pre-login that hangs', 'hang', undefined],
  ])('hands the page the password fallback on %s', async (_name, kind, error) => {
    const { email } = testUser(kind);
    const tab = await newTab();
    const { start: started } = await tab.call('login', email);
    expect(started).toMatchObject({
      ok: true,
      val: { assertionOptions: '', fallbackOperationError: { initFallback: true, identifier: email } },
    });
    const fallback = (started as { val: ConnectLoginStartRsp }).val.fallbackOperationError;
    if (error) expect(fallback.error).toMatchObject(error);
    else expect(fallback.error).toBeUndefined();
  });
});
