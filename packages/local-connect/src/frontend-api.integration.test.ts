import { decodeJwt } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backendClient } from '../test/backend';
import { fapiClient } from '../test/fapi';
import {
  actionScript,
  captureLog,
  corsHeaderNames,
  testActions,
  testConfig,
  usernameFor,
} from '../test/fixtures';
import { SoftwareAuthenticator } from './software-authenticator';
import { start, type LocalConnectConfig, type RunningServer } from './index';

const ORIGIN = 'http://localhost:3000';
const EMAIL = 'jane@example.com';
const USERNAME = 'user-jane';
/** Google Password Manager's AAGUID, from the community AAGUID list. */
const GOOGLE_PASSWORD_MANAGER = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

describe('Frontend API', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(overrides: Partial<LocalConnectConfig> = {}, dataDir?: string) {
    let offsetMs = 0;
    const logs = captureLog();
    const server: RunningServer = await start({
      config: testConfig(overrides),
      dataDir,
      now: () => new Date(Date.now() + offsetMs),
      log: logs.log,
    });
    cleanup.push(() => server.stop());
    const post = fapiClient(server.url, 'pro-1');
    const backend = backendClient(server.url, 'pro-1', 'corbado1_test-secret');
    const authenticator = new SoftwareAuthenticator();
    return {
      server,
      post,
      backend,
      authenticator,
      logs,
      advance: (seconds: number) => (offsetMs += seconds * 1000),
      async init(kind: 'login' | 'append' | 'manage' = 'login') {
        const res = await post(`${kind}/init`, { clientInformation: {}, flags: {} });
        expect(res.status).toBe(200);
        return res.body;
      },
      async processId() {
        return (await this.init('append')).processID as string;
      },
      async appendStart(identifier = USERNAME, displayName = EMAIL) {
        const processId = await this.processId();
        const token = await backend.createConnectToken('passkey-append', { identifier, displayName });
        const res = await post('append/start', { appendTokenValue: token, loadedMs: 1 }, { processId });
        expect(res.status).toBe(200);
        return { processId, token, options: res.body.attestationOptions as string };
      },
      async append(identifier = USERNAME, displayName = EMAIL) {
        const started = await this.appendStart(identifier, displayName);
        const attestationResponse = authenticator.create(started.options, { origin: ORIGIN });
        const res = await post('append/finish', { attestationResponse }, { processId: started.processId });
        expect(res.status).toBe(200);
        return { ...started, credentialId: (JSON.parse(attestationResponse) as { id: string }).id };
      },
      async loginStart(identifier = USERNAME) {
        const processId = (await this.init('login')).token as string;
        const res = await post(
          'login/start',
          { identifier, source: 'text-field', loadedMs: 1 },
          { processId },
        );
        return { processId, res };
      },
    };
  }

  it('runs append and typed login end to end with a software authenticator', async () => {
    const t = await setup();
    await t.append();
    const { processId, res } = await t.loginStart();
    expect(res.body.isCDA).toBe(false);
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, { origin: ORIGIN });
    const finish = await t.post('login/finish', { isConditionalUI: false, assertionResponse }, { processId });
    expect(finish.status).toBe(200);
    expect(finish.body.session).toBe(finish.body.signedPasskeyData);
    expect(decodeJwt(finish.body.session as string)).toMatchObject({ webauthnId: USERNAME, processId });
    expect(finish.body.passkeyOperation).toMatchObject({
      identifierValue: USERNAME,
      identifierType: 'username',
    });
  });

  it('answers init with the process, frontendApiUrl and the conditional-UI challenge', async () => {
    const t = await setup({ publicUrl: 'http://127.0.0.1:9999' });
    const body = await t.init('login');
    expect(body).toMatchObject({
      frontendApiUrl: 'http://127.0.0.1:9999',
      loginAllowed: true,
      flags: { 'conditional-ui-allowed': 'true' },
    });
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000);
    const challenge = JSON.parse(body.conditionalUIChallenge as string) as {
      publicKey: Record<string, unknown>;
    };
    expect(challenge.publicKey).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(challenge.publicKey.allowCredentials).toEqual([]);
    // The same process comes back when the client names it.
    const again = await t.post('append/init', {}, { processId: body.token as string });
    expect(again.body.processID).toBe(body.token);
  });

  it('offers no conditional-UI challenge when the flag is off', async () => {
    const t = await setup({ flags: { 'conditional-ui-allowed': 'false' } });
    const body = await t.init('login');
    expect(body.conditionalUIChallenge).toBeUndefined();
    expect(body.flags).toEqual({ 'conditional-ui-allowed': 'false' });
  });

  it('logs in through conditional UI and rejects a user handle that does not match', async () => {
    const t = await setup();
    await t.append();
    const init = await t.init('login');
    const processId = init.token as string;
    const cui = init.conditionalUIChallenge as string;
    const forged = t.authenticator.get(cui, { origin: ORIGIN, userHandle: 'AAAA' });
    const bad = await t.post(
      'login/finish',
      { isConditionalUI: true, assertionResponse: forged },
      { processId },
    );
    expect(bad.body).toMatchObject({ error: { type: 'credential_not_allowed' } });

    const fresh = await t.init('login');
    const ok = t.authenticator.get(fresh.conditionalUIChallenge as string, { origin: ORIGIN });
    const res = await t.post(
      'login/finish',
      { isConditionalUI: true, assertionResponse: ok },
      { processId: fresh.token as string },
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.session as string)).toMatchObject({ isCUI: true, webauthnId: USERNAME });
    expect(res.body.passkeyOperation).toMatchObject({ identifierValue: EMAIL });
  });

  it('accepts either conditional-UI challenge of a process that ran login/init twice', async () => {
    const t = await setup();
    await t.append();
    const first = await t.init('login');
    const processId = first.token as string;
    const second = (await t.post('login/init', {}, { processId })).body;
    expect(second.token).toBe(processId);
    for (const init of [first, second]) {
      const assertionResponse = t.authenticator.get(init.conditionalUIChallenge as string, {
        origin: ORIGIN,
      });
      const res = await t.post('login/finish', { isConditionalUI: true, assertionResponse }, { processId });
      expect(res.status).toBe(200);
    }
  });

  it('uses a challenge once: a replayed assertion is rejected', async () => {
    const t = await setup();
    await t.append();
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, { origin: ORIGIN });
    expect((await t.post('login/finish', { assertionResponse }, { processId })).status).toBe(200);
    const replay = await t.post('login/finish', { assertionResponse }, { processId });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { type: 'invalid_challenge' } });
  });

  it('binds a challenge to its process', async () => {
    const t = await setup();
    await t.append();
    const { res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, { origin: ORIGIN });
    const other = (await t.init('login')).token as string;
    const finish = await t.post('login/finish', { assertionResponse }, { processId: other });
    expect(finish.body).toMatchObject({ error: { type: 'invalid_challenge' } });
  });

  it('expires a pending challenge', async () => {
    const t = await setup({ processLifetimeSeconds: 3600 });
    await t.append();
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, { origin: ORIGIN });
    t.advance(121);
    const finish = await t.post('login/finish', { assertionResponse }, { processId });
    expect(finish.body).toMatchObject({ error: { type: 'invalid_challenge' } });
  });

  it.each([
    ['a wrong origin', { origin: 'http://evil.localhost:3000' }],
    ['no user verification', { origin: ORIGIN, noUserVerification: true }],
    ['a counter that went backwards', { origin: ORIGIN, counter: 0 }],
  ])('rejects an assertion with %s', async (_name, ceremony) => {
    const t = await setup();
    await t.append();
    // One good login moves the stored counter to 1.
    const first = await t.loginStart();
    const good = t.authenticator.get(first.res.body.assertionOptions as string, { origin: ORIGIN });
    expect(
      (await t.post('login/finish', { assertionResponse: good }, { processId: first.processId })).status,
    ).toBe(200);
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, ceremony);
    const finish = await t.post('login/finish', { assertionResponse }, { processId });
    expect(finish.status).toBe(400);
    expect(finish.body).toMatchObject({ error: { type: 'webauthn_verification_failed' } });
  });

  it('accepts no user verification only when loosened by name', async () => {
    const t = await setup({ userVerification: 'preferred' });
    await t.append();
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, {
      origin: ORIGIN,
      noUserVerification: true,
    });
    expect((await t.post('login/finish', { assertionResponse }, { processId })).status).toBe(200);
  });

  it('rejects an attestation from another origin or without user verification', async () => {
    const t = await setup();
    for (const ceremony of [
      { origin: 'http://localhost:4000' },
      { origin: ORIGIN, noUserVerification: true },
    ]) {
      const started = await t.appendStart();
      const attestationResponse = t.authenticator.create(started.options, ceremony);
      const res = await t.post('append/finish', { attestationResponse }, { processId: started.processId });
      expect(res.body).toMatchObject({ error: { type: 'webauthn_verification_failed' } });
    }
  });

  it("rejects another user's passkey and an unknown one", async () => {
    const t = await setup();
    const jane = await t.append();
    await t.append('user-bob', 'bob@example.com');
    const { processId, res } = await t.loginStart('user-bob');
    const janes = t.authenticator.get(res.body.assertionOptions as string, {
      origin: ORIGIN,
      credentialId: jane.credentialId,
    });
    const wrongUser = await t.post('login/finish', { assertionResponse: janes }, { processId });
    expect(wrongUser.body).toMatchObject({ error: { type: 'credential_not_allowed' } });

    const stranger = new SoftwareAuthenticator();
    const strangerToken = await t.appendStart('user-carol', 'carol@example.com');
    stranger.create(strangerToken.options, { origin: ORIGIN }); // never finished: unknown to the server
    const again = await t.loginStart('user-bob');
    const unknown = stranger.get(again.res.body.assertionOptions as string, {
      origin: ORIGIN,
      credentialId: stranger.credentials[0]!.id.toString('base64url'),
    });
    const res404 = await t.post(
      'login/finish',
      { assertionResponse: unknown },
      { processId: again.processId },
    );
    expect(res404.status).toBe(404);
    expect(res404.body).toMatchObject({ httpStatusCode: 404, error: { type: 'unknown_credential' } });

    // 3.5.0 reads every non-2xx as a generic failure; it gets the deleted passkey as a fallback instead.
    const third = await t.loginStart('user-bob');
    const unknownAgain = stranger.get(third.res.body.assertionOptions as string, {
      origin: ORIGIN,
      credentialId: stranger.credentials[0]!.id.toString('base64url'),
    });
    const v3 = await t.post(
      'login/finish',
      { assertionResponse: unknownAgain },
      { processId: third.processId, sdkVersion: '3.5.0' },
    );
    expect(v3.status).toBe(200);
    expect(v3.body).toEqual({
      session: '',
      signedPasskeyData: '',
      fallbackOperationError: {
        initFallback: true,
        identifier: 'user-bob',
        error: { code: 'unknown_credential', message: expect.any(String) as unknown },
      },
    });
  });

  it('refuses an append token that is consumed, expired, or of another type', async () => {
    const t = await setup();
    const { token } = await t.append();
    const processId = await t.processId();
    const consumed = await t.post('append/start', { appendTokenValue: token }, { processId });
    expect(consumed.body).toMatchObject({ error: { type: 'invalid_connect_token' } });

    const listToken = await t.backend.createConnectToken('passkey-list', { identifier: USERNAME });
    const wrongType = await t.post('append/start', { appendTokenValue: listToken }, { processId });
    expect(wrongType.body).toMatchObject({ error: { type: 'invalid_connect_token' } });

    const short = await t.backend.createConnectToken(
      'passkey-append',
      { identifier: 'u', displayName: 'u' },
      60,
    );
    t.advance(61);
    const expired = await t.post('append/start', { appendTokenValue: short }, { processId });
    expect(expired.body).toMatchObject({ error: { type: 'invalid_connect_token' } });

    const unknown = await t.post('manage/list', { connectToken: 'ctk1_unknown' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { type: 'invalid_connect_token' } });
  });

  it.each([
    ['malformed JSON', { raw: '{"identifier":' }],
    ['a wrong type', { raw: '{"identifier":42}' }],
  ])('answers %s with a validation_error', async (_name, options) => {
    const t = await setup();
    const processId = await t.processId();
    const res = await t.post('login/start', null, { ...options, processId });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpStatusCode: 400, error: { type: 'validation_error' } });
  });

  it.each([
    ['not JSON', 'nope'],
    ['bad base64url', JSON.stringify({ id: 'a+b/', rawId: 'a+b/', type: 'public-key', response: {} })],
    ['a missing signature', JSON.stringify({ id: 'abc', rawId: 'abc', type: 'public-key', response: {} })],
  ])('rejects an assertionResponse that is %s', async (_name, assertionResponse) => {
    const t = await setup();
    const processId = await t.processId();
    const res = await t.post('login/finish', { isConditionalUI: false, assertionResponse }, { processId });
    expect(res.body).toMatchObject({ error: { type: 'validation_error' } });
  });

  it('rejects oversized bodies, unknown processes and other projects', async () => {
    const t = await setup();
    const big = await t.post('events', null, { raw: JSON.stringify({ eventType: 'x'.repeat(65 * 1024) }) });
    expect(big.status).toBe(413);
    const noProcess = await t.post('login/start', { identifier: EMAIL }, { processId: 'nope' });
    expect(noProcess.body).toMatchObject({ error: { type: 'invalid_process' } });
    const wrongProject = await t.post('login/init', {}, { projectId: 'pro-2' });
    expect(wrongProject.status).toBe(400);
    expect(wrongProject.body).toMatchObject({ error: { type: 'project_id_mismatch' } });
  });

  it('answers CORS for configured origins only', async () => {
    const t = await setup();
    const preflight = await fetch(`${t.server.url}/v2/connect/login/init`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-corbado-projectid',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-corbado-process-id');
    // Chromium's cap: a page sends one preflight per route in two hours.
    expect(preflight.headers.get('access-control-max-age')).toBe('7200');

    const foreignPreflight = await fetch(`${t.server.url}/v2/connect/login/init`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:4000', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.status).toBe(403);
    expect(corsHeaderNames(foreignPreflight.headers)).toEqual([]);

    const allowed = await t.post('login/init', {}, { origin: ORIGIN });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const denied = await t.post('login/init', {}, { origin: 'http://localhost:4000' });
    expect(denied.status).toBe(403);
    expect(corsHeaderNames(denied.headers)).toEqual([]);
    expect(denied.body).toMatchObject({ error: { type: 'origin_not_allowed' } });
  });

  it('names the authenticator by its AAGUID and reports where and how the passkey was made', async () => {
    const t = await setup();
    const CHROME_ON_MAC =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const SAFARI_ON_IPHONE =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
    const register = async (
      model: { aaguid?: string; backupEligible?: boolean; backupState?: boolean },
      userAgent: string,
    ) => {
      const started = await t.appendStart();
      const attestationResponse = t.authenticator.create(started.options, { origin: ORIGIN, ...model });
      const res = await t.post(
        'append/finish',
        { attestationResponse },
        { processId: started.processId, userAgent },
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    // Google Password Manager (a synced passkey), then a device-bound one of an authenticator with no AAGUID.
    const synced = await register(
      { aaguid: GOOGLE_PASSWORD_MANAGER, backupEligible: true, backupState: true },
      CHROME_ON_MAC,
    );
    expect(synced.passkeyOperation).toMatchObject({ aaguidDetails: { name: 'Google Password Manager' } });
    await register({}, SAFARI_ON_IPHONE);

    const listToken = await t.backend.createConnectToken('passkey-list', { identifier: USERNAME });
    const passkeys = (await t.post('manage/list', { connectToken: listToken })).body.passkeys as Record<
      string,
      unknown
    >[];
    expect(passkeys).toMatchObject([
      {
        authenticatorAAGUID: GOOGLE_PASSWORD_MANAGER,
        aaguidDetails: { name: 'Google Password Manager', iconLight: '', iconDark: '' },
        backupEligible: true,
        backupState: true,
        sourceOS: 'macOS',
        sourceBrowser: 'Chrome',
      },
      {
        authenticatorAAGUID: '00000000-0000-0000-0000-000000000000',
        aaguidDetails: { name: 'Passkey', iconLight: '', iconDark: '' },
        backupEligible: false,
        backupState: false,
        sourceOS: 'iOS',
        sourceBrowser: 'Safari',
      },
    ]);

    // login/finish names the authenticator of the passkey that was used.
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, {
      origin: ORIGIN,
      credentialId: t.authenticator.credentials[0]!.id.toString('base64url'),
    });
    const finish = await t.post('login/finish', { isConditionalUI: false, assertionResponse }, { processId });
    expect(finish.body.passkeyOperation).toMatchObject({
      aaguidDetails: { name: 'Google Password Manager' },
    });
  });

  it('tells two passkeys of an unknown authenticator apart by dates, browser, OS and sync state', async () => {
    const t = await setup();
    const CHROME_ON_LINUX =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const FIREFOX_ON_WINDOWS =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const register = async (model: { backupEligible?: boolean }, userAgent: string) => {
      const started = await t.appendStart();
      const attestationResponse = t.authenticator.create(started.options, { origin: ORIGIN, ...model });
      const res = await t.post(
        'append/finish',
        { attestationResponse },
        { processId: started.processId, userAgent },
      );
      expect(res.status).toBe(200);
    };
    const list = async () => {
      const listToken = await t.backend.createConnectToken('passkey-list', { identifier: USERNAME });
      return (await t.post('manage/list', { connectToken: listToken })).body.passkeys as {
        created: string;
        lastUsed: string;
        createdMs: number;
        lastUsedMs: number;
        backupState: boolean;
      }[];
    };
    // Both without an AAGUID (as Chrome's virtual authenticator): one name, "Passkey", for both.
    await register({ backupEligible: true }, CHROME_ON_LINUX);
    t.advance(86_400);
    await register({}, FIREFOX_ON_WINDOWS);
    t.advance(3_600);

    // The first one is used to sign in, after its provider has backed it up (BS now set).
    t.authenticator.credentials[0]!.backup.state = true;
    const { processId, res } = await t.loginStart();
    const assertionResponse = t.authenticator.get(res.body.assertionOptions as string, {
      origin: ORIGIN,
      credentialId: t.authenticator.credentials[0]!.id.toString('base64url'),
    });
    const finish = await t.post('login/finish', { isConditionalUI: false, assertionResponse }, { processId });
    expect(finish.status).toBe(200);

    const [first, second] = (await list()) as [
      Awaited<ReturnType<typeof list>>[number],
      Awaited<ReturnType<typeof list>>[number],
    ];
    expect(first).toMatchObject({
      aaguidDetails: { name: 'Passkey' },
      sourceBrowser: 'Chrome',
      sourceOS: 'Linux',
      backupEligible: true,
      backupState: true,
    });
    expect(second).toMatchObject({
      aaguidDetails: { name: 'Passkey' },
      sourceBrowser: 'Firefox',
      sourceOS: 'Windows',
      backupEligible: false,
      backupState: false,
    });
    // Created a day apart; the first was last used an hour after the second was made, the second never
    // (the clock is real time moved by hand, so each gap also holds the few ms the requests took).
    const about = (ms: number) => ({ asymmetricMatch: (v: number) => v >= ms && v < ms + 60_000 });
    expect(second.createdMs - first.createdMs).toEqual(about(86_400_000));
    expect(first.lastUsedMs - second.createdMs).toEqual(about(3_600_000));
    expect(first.lastUsedMs - first.createdMs).toEqual(about(90_000_000));
    expect(second.lastUsedMs).toBe(second.createdMs);
    expect(new Date(first.lastUsed).getTime()).toBe(Math.floor(first.lastUsedMs / 1000) * 1000);
    expect(new Date(second.created).getTime()).toBe(Math.floor(second.createdMs / 1000) * 1000);
  });

  it('lists passkeys with dates and arrays the client formats, and deletes by id', async () => {
    const t = await setup();
    await t.append();
    const listToken = await t.backend.createConnectToken('passkey-list', { identifier: USERNAME });
    const list = await t.post('manage/list', { connectToken: listToken });
    const passkeys = list.body.passkeys as Record<string, unknown>[];
    // The WebAuthn user handle the passkey was made with: 3.5.0 signals it to the device with the list.
    expect(list.body).toMatchObject({
      rpID: 'localhost',
      userID: t.authenticator.credentials[0]!.userHandle,
    });
    expect(passkeys).toHaveLength(1);
    expect(passkeys[0]).toMatchObject({
      transport: ['internal'],
      status: 'active',
      attestationType: 'none',
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/) as unknown,
    });
    const deleteToken = await t.backend.createConnectToken('passkey-delete', { identifier: 'someone-else' });
    const foreign = await t.post('manage/delete', {
      connectToken: deleteToken,
      credentialID: passkeys[0]!.id,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { type: 'passkey_not_found' } });
  });

  it('clears a process and accepts client events', async () => {
    const t = await setup();
    const processId = await t.processId();
    expect((await t.post('events', { eventType: 'login-error' }, { processId })).body).toEqual({});
    expect((await t.post('process/clear', { processId }, { processId })).body).toEqual({ processId });
    const after = await t.post('append/start', { appendTokenValue: 'x' }, { processId });
    expect(after.body).toMatchObject({ error: { type: 'invalid_process' } });
  });

  it('keeps users, passkeys and tokens across a restart with a data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-connect-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await setup({}, dir);
    await first.append();
    const listToken = await first.backend.createConnectToken('passkey-list', { identifier: USERNAME });
    await first.server.stop();

    const second = await setup({}, dir);
    second.authenticator.credentials.push(...first.authenticator.credentials);
    const list = await second.post('manage/list', { connectToken: listToken });
    expect(list.body.passkeys).toHaveLength(1);
    const { processId, res } = await second.loginStart();
    const assertionResponse = second.authenticator.get(res.body.assertionOptions as string, {
      origin: ORIGIN,
    });
    const finish = await second.post('login/finish', { assertionResponse }, { processId });
    expect(await second.backend.verifySignedPasskeyData(finish.body.session as string, USERNAME)).toBe(
      'success',
    );
  });

  describe('the append offer', () => {
    /** One browser profile: the client environment handle it keeps, as the client keeps it in localStorage. */
    function device(t: Awaited<ReturnType<typeof setup>>, sdkVersion = '2.18.0') {
      let handle: string | undefined;
      return {
        get handle() {
          return handle;
        },
        async init(kind: 'login' | 'append' | 'manage') {
          const res = await t.post(
            `${kind}/init`,
            { clientInformation: handle ? { clientEnvHandle: handle } : {}, flags: {} },
            { sdkVersion },
          );
          expect(res.status).toBe(200);
          if (typeof res.body.newClientEnvHandle === 'string') handle = res.body.newClientEnvHandle;
          return res.body;
        },
        /** append/init then append/start, as CorbadoConnectAppend runs them on the post-login page. */
        async appendStart(token: string, forcePasskeyAppend?: boolean) {
          const processId = (await this.init('append')).processID as string;
          const res = await t.post(
            'append/start',
            { appendTokenValue: token, loadedMs: 1, ...(forcePasskeyAppend ? { forcePasskeyAppend } : {}) },
            { processId, sdkVersion },
          );
          expect(res.status).toBe(200);
          return { processId, body: res.body, options: res.body.attestationOptions as string };
        },
        async append() {
          const token = await t.backend.createConnectToken('passkey-append', {
            identifier: USERNAME,
            displayName: EMAIL,
          });
          const started = await this.appendStart(token);
          expect(started.options).not.toBe('');
          const attestationResponse = t.authenticator.create(started.options, { origin: ORIGIN });
          const res = await t.post(
            'append/finish',
            { attestationResponse },
            { processId: started.processId, sdkVersion },
          );
          expect(res.status).toBe(200);
          return (JSON.parse(attestationResponse) as { id: string }).id;
        },
        async login(credentialId: string) {
          const processId = (await this.init('login')).token as string;
          const start = await t.post(
            'login/start',
            { identifier: USERNAME, source: 'text-field', loadedMs: 1 },
            { processId, sdkVersion },
          );
          const assertionResponse = t.authenticator.get(start.body.assertionOptions as string, {
            origin: ORIGIN,
            credentialId,
          });
          const finish = await t.post(
            'login/finish',
            { isConditionalUI: false, assertionResponse },
            { processId, sdkVersion },
          );
          expect(finish.status).toBe(200);
        },
      };
    }

    const appendToken = (t: Awaited<ReturnType<typeof setup>>) =>
      t.backend.createConnectToken('passkey-append', { identifier: USERNAME, displayName: EMAIL });

    it('gives a browser profile a client environment handle once, and a new one for a handle it never issued', async () => {
      const t = await setup();
      const first = await t.post('login/init', { clientInformation: {}, flags: {} });
      const handle = first.body.newClientEnvHandle as string;
      expect(handle).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      for (const kind of ['login', 'append', 'manage']) {
        const again = await t.post(`${kind}/init`, {
          clientInformation: { clientEnvHandle: handle },
          flags: {},
        });
        expect(again.status).toBe(200);
        expect(again.body).not.toHaveProperty('newClientEnvHandle');
      }
      for (const foreign of ['not-issued-here', 'x'.repeat(500), 42]) {
        const res = await t.post('append/init', {
          clientInformation: { clientEnvHandle: foreign },
          flags: {},
        });
        expect(res.status).toBe(200);
        expect(res.body.newClientEnvHandle).toEqual(expect.any(String));
        expect(res.body.newClientEnvHandle).not.toBe(handle);
      }
    });

    it.each(['2.18.0', '3.5.0'])(
      'offers no second passkey on a device that holds one of the user, with web-core %s',
      async (sdkVersion) => {
        const t = await setup();
        const laptop = device(t, sdkVersion);
        await laptop.append();

        // Signed in again with the password on the same browser profile: nothing to offer.
        const token = await appendToken(t);
        const again = await laptop.appendStart(token);
        expect(again.body).toEqual({
          attestationOptions: '',
          variant: 'default',
          isRestrictedBrowser: false,
          autoAppend: false,
          conditionalAppend: false,
        });
        expect(t.logs.events).toContainEqual(
          expect.objectContaining({ event: 'append_skipped', reason: 'passkey_on_device' }),
        );

        // Another browser profile is offered one, with the same (unspent) token, excluding the first passkey.
        const phone = device(t, sdkVersion);
        const offered = await phone.appendStart(token);
        const { publicKey } = JSON.parse(offered.options) as {
          publicKey: { excludeCredentials: { id: string }[] };
        };
        expect(publicKey.excludeCredentials.map((c) => c.id)).toEqual([
          t.authenticator.credentials[0]!.id.toString('base64url'),
        ]);

        // Asked for by the user (the passkey list's "Add a passkey"), it is offered on the laptop too.
        const forced = await laptop.appendStart(await appendToken(t), true);
        expect(forced.options).not.toBe('');
      },
    );

    it('counts a synced passkey used on a device as on that device, and forgets a deleted one', async () => {
      const t = await setup();
      const laptop = device(t);
      const credentialId = await laptop.append();
      const tablet = device(t);
      expect((await tablet.appendStart(await appendToken(t))).options).not.toBe('');

      // The passkey synced to the tablet and signed in there: the tablet holds it now.
      await tablet.login(credentialId);
      expect((await tablet.appendStart(await appendToken(t))).options).toBe('');

      const listToken = await t.backend.createConnectToken('passkey-list', { identifier: USERNAME });
      const [passkey] = (await t.post('manage/list', { connectToken: listToken })).body.passkeys as {
        id: string;
      }[];
      const deleteToken = await t.backend.createConnectToken('passkey-delete', { identifier: USERNAME });
      const deleted = await t.post('manage/delete', { connectToken: deleteToken, credentialID: passkey!.id });
      expect(deleted.status).toBe(200);
      expect((await laptop.appendStart(await appendToken(t))).options).not.toBe('');
      expect((await tablet.appendStart(await appendToken(t))).options).not.toBe('');
    });

    it('keeps what a device holds across a restart with a data dir', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'local-connect-env-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const first = await setup({}, dataDir);
      const laptop = device(first);
      await laptop.append();
      await first.server.stop();

      const second = await setup({}, dataDir);
      const handle = laptop.handle as string;
      const init = await second.post('append/init', {
        clientInformation: { clientEnvHandle: handle },
        flags: {},
      });
      expect(init.body).not.toHaveProperty('newClientEnvHandle');
      const start = await second.post(
        'append/start',
        { appendTokenValue: await appendToken(second), loadedMs: 1 },
        { processId: init.body.processID as string },
      );
      expect(start.body.attestationOptions).toBe('');
    });

    it.each([
      ['never', 'offers one on the device that holds a passkey', true, true],
      ['any-passkey', 'offers none on any device once the user has one', false, false],
    ] as const)('with skipAppendWhen %s %s', async (skipAppendWhen, _what, laptopOffered, phoneOffered) => {
      const t = await setup({ skipAppendWhen });
      const laptop = device(t);
      await laptop.append();
      expect((await laptop.appendStart(await appendToken(t))).options !== '').toBe(laptopOffered);
      expect((await device(t).appendStart(await appendToken(t))).options !== '').toBe(phoneOffered);
    });
  });

  describe('actions', () => {
    const V3 = { sdkVersion: '3.5.0' };

    async function withActions(options: { preLoginTimeoutMs?: number } = {}) {
      const actions = testActions(options);
      cleanup.push(actions.cleanup);
      const t = await setup({ actions: actions.config });
      return { ...t, actions };
    }

    /** login/start for a typed email, as the 2.18.0 or the 3.5.0 client sends it. */
    async function loginStartAs(t: Awaited<ReturnType<typeof withActions>>, email: string, v3 = false) {
      const processId = (await t.init('login')).token as string;
      return t.post(
        'login/start',
        {
          identifier: email,
          source: 'text-field',
          loadedMs: 1,
          ...(v3 ? { identifierHintAvailable: false } : {}),
        },
        { processId, ...(v3 ? V3 : {}) },
      );
    }

    it('runs pre-login with the typed email and continues with the username it returns', async () => {
      const t = await withActions();
      await t.append(usernameFor(EMAIL), EMAIL);
      for (const v3 of [false, true]) {
        const res = await loginStartAs(t, EMAIL, v3);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ isCDA: false, fallbackOperationError: { initFallback: false } });
        const { publicKey } = JSON.parse(res.body.assertionOptions as string) as {
          publicKey: { allowCredentials: unknown[] };
        };
        expect(publicKey.allowCredentials).toHaveLength(1);
      }
    });

    it('falls back quietly on a silent error, a known user without passkeys, and a failed call', async () => {
      const t = await withActions({ preLoginTimeoutMs: 300 });
      for (const email of [
        'silent@example.com',
        'nopasskeys@example.com',
        'throw@example.com',
        'hang@example.com',
        'garbage@example.com',
      ]) {
        for (const v3 of [false, true]) {
          const res = await loginStartAs(t, email, v3);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({
            assertionOptions: '',
            isCDA: false,
            fallbackOperationError: { initFallback: true, identifier: email },
          });
        }
      }
      expect(t.logs.events.filter((e) => e.event === 'action_failed').map((e) => [e.action, e.code])).toEqual(
        [
          ['pre-login', 'action_failed'],
          ['pre-login', 'action_failed'],
          ['pre-login', 'action_timeout'],
          ['pre-login', 'action_timeout'],
          ['pre-login', 'action_bad_response'],
          ['pre-login', 'action_bad_response'],
        ],
      );
    });

    it('hands a returned error to 2.x as `error` and to 3.x as `fallbackOperationError`', async () => {
      const t = await withActions();
      const unknownV2 = await loginStartAs(t, 'unknown@example.com');
      expect(unknownV2.status).toBe(200);
      expect(unknownV2.body).toEqual({
        assertionOptions: '',
        isCDA: false,
        error: { code: 'user_not_found', message: 'There is no account registered to that email address.' },
      });
      const unknownV3 = await loginStartAs(t, 'unknown@example.com', true);
      expect(unknownV3.body).toEqual({
        assertionOptions: '',
        isCDA: false,
        fallbackOperationError: {
          initFallback: false,
          identifier: 'unknown@example.com',
          error: { code: 'user_not_found', message: 'There is no account registered to that email address.' },
        },
      });
      const resetV2 = await loginStartAs(t, 'reset@example.com');
      expect(resetV2.body).toMatchObject({
        error: { code: 'reset_required', message: 'Please reset your password.', payload: 'reset' },
      });
      const resetV3 = await loginStartAs(t, 'reset@example.com', true);
      expect(resetV3.body).toMatchObject({
        fallbackOperationError: {
          initFallback: true,
          identifier: 'reset@example.com',
          error: { code: 'reset_required', message: 'Please reset your password.', payload: 'reset' },
        },
      });
    });

    it('runs post-append with the username, and keeps the passkey when it fails', async () => {
      const t = await withActions();
      await t.append('jane', EMAIL);
      await t.append('fail-john', 'john@example.com');
      expect(t.actions.postAppendCalls()).toEqual([{ username: 'jane' }, { username: 'fail-john' }]);
      expect(
        t.logs.events.filter((e) => e.event.startsWith('post_append')).map((e) => [e.event, e.code]),
      ).toEqual([
        ['post_append_done', undefined],
        ['post_append_failed', 'upstream_unavailable'],
      ]);
      const listToken = await t.backend.createConnectToken('passkey-list', { identifier: 'fail-john' });
      expect((await t.post('manage/list', { connectToken: listToken })).body.passkeys).toHaveLength(1);
    });

    it('refuses to start with an action script that cannot load', async () => {
      const attempt = start({
        config: testConfig({ actions: { preLogin: { script: actionScript('no-handler') } } }),
        log: captureLog().log,
      });
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_config' });
    });
  });
});
