import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../test/fixtures';
import { PasskeyDataSigner } from './signed-passkey-data';
import { Store } from './store';

const CLAIMS = {
  userId: 'usr-111111111111111111',
  webauthnId: 'c364a852-0071-70a4-0fe8-ed5728aa9522',
  credential: 'cre-222222222222222222',
  challengeId: 'was-333333333333333333',
  processId: 'JcZmmaSRQI1VPDTZMmV1',
  isCUI: false,
};

describe('PasskeyDataSigner', () => {
  const stores: Store[] = [];
  const dirs: string[] = [];
  /** A store holding the user and the passkey CLAIMS name: data verifies only while its passkey exists. */
  const open = (dataDir?: string) => {
    const store = new Store(dataDir);
    stores.push(store);
    if (!store.userById(CLAIMS.userId)) {
      store.insertUser({
        id: CLAIMS.userId,
        username: CLAIMS.webauthnId,
        displayName: 'jane@example.com',
        webauthnUserId: 'dXNlci1oYW5kbGU',
        createdMs: 0,
      });
      store.insertCredential({
        id: CLAIMS.credential.replace(/^cre-/, 'pky-'),
        userId: CLAIMS.userId,
        credentialId: 'Y3JlZGVudGlhbA',
        publicKey: new Uint8Array(65),
        counter: 0,
        transports: ['internal'],
        aaguid: '00000000-0000-0000-0000-000000000000',
        attestationType: 'none',
        backupEligible: false,
        backupState: false,
        sourceOs: '',
        sourceBrowser: '',
        createdMs: 0,
        lastUsedMs: 0,
      });
    }
    return store;
  };
  afterEach(() => {
    stores.splice(0).forEach((s) => s.close());
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('signs the documented claims with ES256', async () => {
    const clock = manualClock();
    const signer = await PasskeyDataSigner.open(open(), 'pro-1', clock.now);
    const jwt = await signer.sign(CLAIMS);
    const iat = Math.floor(clock.now().getTime() / 1000);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: signer.jwks().keys[0]?.kid, typ: 'JWT' });
    expect(decodeJwt(jwt)).toEqual({
      iss: 'pro-1',
      sub: CLAIMS.userId,
      iat,
      nbf: iat - 10,
      exp: iat + 300,
      jti: expect.any(String) as unknown,
      processId: CLAIMS.processId,
      username: '',
      credential: CLAIMS.credential,
      challengeId: CLAIMS.challengeId,
      webauthnId: CLAIMS.webauthnId,
      isCUI: false,
    });
  });

  it('verifies once, for the right user, inside the time window', async () => {
    const clock = manualClock();
    const signer = await PasskeyDataSigner.open(open(), 'pro-1', clock.now);
    const jwt = await signer.sign(CLAIMS);
    expect(await signer.verify(jwt, 'someone-else')).toBe('user_mismatch');
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('success');
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('invalid_challenge');
  });

  it('rejects expired and not-yet-valid data', async () => {
    const clock = manualClock();
    const signer = await PasskeyDataSigner.open(open(), 'pro-1', clock.now);
    const jwt = await signer.sign(CLAIMS);
    clock.advance(301);
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('invalid_challenge');
    clock.advance(-301 - 11);
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('invalid_challenge');
    clock.advance(11 + 299);
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('success');
  });

  it('rejects a tampered payload, a foreign key and non-JWTs', async () => {
    const clock = manualClock();
    const signer = await PasskeyDataSigner.open(open(), 'pro-1', clock.now);
    const other = await PasskeyDataSigner.open(open(), 'pro-1', clock.now);
    const jwt = await signer.sign(CLAIMS);
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, webauthnId: 'mallory' })).toString('base64url');
    expect(await signer.verify(`${h}.${forged}.${s}`, 'mallory')).toBe('invalid_signature');
    expect(await signer.verify(await other.sign(CLAIMS), CLAIMS.webauthnId)).toBe('invalid_signature');
    expect(await signer.verify('not-a-jwt', CLAIMS.webauthnId)).toBe('invalid_signature');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(await signer.verify(none, CLAIMS.webauthnId)).toBe('invalid_signature');
  });

  it('rejects data of a passkey deleted since, and keeps its JTI unused', async () => {
    const clock = manualClock();
    const store = open();
    const signer = await PasskeyDataSigner.open(store, 'pro-1', clock.now);
    const jwt = await signer.sign(CLAIMS);
    store.deleteCredentialOfUser(CLAIMS.userId, CLAIMS.credential.replace(/^cre-/, 'pky-'));
    expect(await signer.verify(jwt, CLAIMS.webauthnId)).toBe('invalid_challenge');
    expect(
      await signer.verify(await signer.sign({ ...CLAIMS, credential: 'cre-none' }), CLAIMS.webauthnId),
    ).toBe('invalid_challenge');
  });

  it('rejects data issued for another project', async () => {
    const clock = manualClock();
    const store = open();
    const issuer = await PasskeyDataSigner.open(store, 'pro-2', clock.now);
    const verifier = await PasskeyDataSigner.open(store, 'pro-1', clock.now);
    expect(await verifier.verify(await issuer.sign(CLAIMS), CLAIMS.webauthnId)).toBe('invalid_challenge');
  });

  it('keeps its key and the used JTIs across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-connect-'));
    dirs.push(dir);
    const clock = manualClock();
    const first = await PasskeyDataSigner.open(open(dir), 'pro-1', clock.now);
    const used = await first.sign(CLAIMS);
    const unused = await first.sign(CLAIMS);
    expect(await first.verify(used, CLAIMS.webauthnId)).toBe('success');
    stores.splice(0).forEach((s) => s.close());

    const second = await PasskeyDataSigner.open(open(dir), 'pro-1', clock.now);
    expect(second.jwks()).toEqual(first.jwks());
    expect(await second.verify(used, CLAIMS.webauthnId)).toBe('invalid_challenge');
    expect(await second.verify(unused, CLAIMS.webauthnId)).toBe('success');
  });

  it('signs with a new ES256 key in a data dir that holds an RS256 one, and refuses RS256 tokens', async () => {
    const clock = manualClock();
    const store = open();
    const rsa = await generateKeyPair('RS256', { extractable: true });
    store.insertSigningKey('pki-1', JSON.stringify(await exportJWK(rsa.privateKey)), 0);
    const signer = await PasskeyDataSigner.open(store, 'pro-1', clock.now);
    expect(signer.jwks().keys).toEqual([expect.objectContaining({ kty: 'EC', alg: 'ES256' })]);
    expect(store.signingKeys()).toHaveLength(2);

    const iat = Math.floor(clock.now().getTime() / 1000);
    const rs256 = await new SignJWT({ webauthnId: CLAIMS.webauthnId })
      .setProtectedHeader({ alg: 'RS256', kid: signer.jwks().keys[0]!.kid! })
      .setIssuer('pro-1')
      .setSubject(CLAIMS.userId)
      .setJti('j')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(rsa.privateKey);
    expect(await signer.verify(rs256, CLAIMS.webauthnId)).toBe('invalid_signature');
  });
});
