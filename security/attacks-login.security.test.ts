// Attacks on the passkey sign-in, through the running local stack's real entry points: local-connect's
// Frontend API (the WebAuthn ceremony), Cognito's custom-auth flow (InitiateAuth + RespondToAuthChallenge,
// which runs the real trigger handlers, which ask local-connect's Backend API). Each test fails if its
// attack works, and records how many attempts were made and how many were accepted.
import { createPublicKey } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AdminDeleteUserAttributesCommand,
  AdminUpdateUserAttributesCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSKEYS_BLOCKED_ATTRIBUTE } from '@cognito-passkeys/deployment';
import { start as startLocalConnect } from '@cognito-passkeys/local-connect';
import { SignJWT, UnsecuredJWT, base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { LocalStack } from '../scripts/local-stack';
import {
  PasskeyDevice,
  adminClient,
  connectToken,
  createUser,
  deviceFor,
  nameOf,
  publicClient,
  respond,
  signInWithPasskeyData,
  startAttackedStack,
  startCustomAuth,
  tally,
  userWithPasskey,
  type SignInOutcome,
} from './support/attacker';

let stack: LocalStack & { corbadoApiSecret: string };

beforeAll(async () => {
  stack = await startAttackedStack();
});

afterAll(async () => {
  await stack?.stop();
});

const signedIn = (outcome: SignInOutcome) => outcome.tokens?.IdToken !== undefined;

/** Re-encodes a JWS with a changed payload, keeping header and signature. */
function withPayload(jws: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

describe('signedPasskeyData', () => {
  it('signs in with an honest signedPasskeyData (the control: the harness can see a sign-in)', async () => {
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'control');
    const outcome = await signInWithPasskeyData(
      stack,
      user.email,
      await device.signedPasskeyData(user.email),
    );
    expect(signedIn(outcome)).toBe(true);
  });

  it('refuses a replayed signedPasskeyData', async () => {
    const t = tally('signedPasskeyData replayed');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'replay');
    const data = await device.signedPasskeyData(user.email);
    t.control('the first submit', signedIn(await signInWithPasskeyData(stack, user.email, data)));
    for (let i = 1; i <= 3; i += 1)
      t.attempt(`replay ${i}`, signedIn(await signInWithPasskeyData(stack, user.email, data)));
    t.finish();
  });

  it("refuses another user's signedPasskeyData (minted for B, submitted for A)", async () => {
    const t = tally('signedPasskeyData of another user');
    const device = deviceFor(stack);
    const victim = await userWithPasskey(stack, device, 'victim');
    const attacker = await userWithPasskey(stack, device, 'attacker');
    const noPasskey = await createUser(stack, 'no-passkey');
    for (const target of [victim, noPasskey]) {
      const data = await device.signedPasskeyData(attacker.email);
      t.attempt(`for ${target.email}`, signedIn(await signInWithPasskeyData(stack, target.email, data)));
    }
    // The victim's session, answered in the attacker's name: the session, not the answer's USERNAME,
    // decides whose passkey the data must prove.
    const { session } = await startCustomAuth(stack, victim.email);
    const data = await device.signedPasskeyData(attacker.email);
    const named = await respond(stack, session, data, attacker.username);
    t.attempt(
      "the victim's session with USERNAME of the attacker",
      signedIn(named) && decodeJwt(named.tokens!.IdToken!)['cognito:username'] !== attacker.username,
    );
    const own = await device.signedPasskeyData(victim.email);
    t.control("the victim's own data", signedIn(await signInWithPasskeyData(stack, victim.email, own)));
    t.finish();
  });

  it('refuses an expired (and a not-yet-valid) signedPasskeyData', async () => {
    // local-connect and local-aws run in this process: moving this process's clock moves theirs (the
    // Frontend API, the Backend API's verification and Cognito's sessions alike), not the data's.
    const t = tally('signedPasskeyData expired');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'expired');
    const moments: [string, (claims: { exp: number; nbf: number }) => number][] = [
      ['1 s after exp', (c) => c.exp + 1],
      ['an hour after exp', (c) => c.exp + 3600],
      ['1 s before nbf', (c) => c.nbf - 1],
    ];
    for (const [label, moment] of moments) {
      const data = await device.signedPasskeyData(user.email);
      const { exp, nbf } = decodeJwt(data) as { exp: number; nbf: number };
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: moment({ exp, nbf }) * 1000 });
      try {
        t.attempt(label, signedIn(await signInWithPasskeyData(stack, user.email, data)));
      } finally {
        vi.useRealTimers();
      }
    }
    const fresh = await device.signedPasskeyData(user.email);
    t.control('fresh data, clock not moved', signedIn(await signInWithPasskeyData(stack, user.email, fresh)));
    t.finish();
  });

  it('refuses a signedPasskeyData with a tampered payload', async () => {
    const t = tally('signedPasskeyData tampered payload');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'tamper');
    const other = await userWithPasskey(stack, device, 'tamper-other');
    const data = await device.signedPasskeyData(user.email);
    const changes: [string, string, (c: Record<string, unknown>) => void][] = [
      ['webauthnId of another user', other.email, (c) => (c.webauthnId = other.username)],
      ['exp a day later', user.email, (c) => (c.exp = (c.exp as number) + 86_400)],
      ['another jti', user.email, (c) => (c.jti = 'replayed-jti-0000000000')],
      ['issuer removed', user.email, (c) => delete c.iss],
    ];
    for (const [label, email, change] of changes)
      t.attempt(label, signedIn(await signInWithPasskeyData(stack, email, withPayload(data, change))));
    // The untouched token still works: the refusals above were about the changes.
    t.control('the untouched data', signedIn(await signInWithPasskeyData(stack, user.email, data)));
    t.finish();
  });

  it('refuses a signedPasskeyData with a tampered signature', async () => {
    const t = tally('signedPasskeyData tampered signature');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'signature');
    const data = await device.signedPasskeyData(user.email);
    const [header, payload, signature] = data.split('.') as [string, string, string];
    const bytes = base64url.decode(signature);
    const flipped = Uint8Array.from(bytes, (b, i) => (i === bytes.length >> 1 ? b ^ 0x01 : b));
    const forgeries: [string, string][] = [
      ['one bit flipped', `${header}.${payload}.${base64url.encode(flipped)}`],
      ['truncated', `${header}.${payload}.${signature.slice(0, -8)}`],
      [
        'another token’s signature',
        `${header}.${payload}.${(await device.signedPasskeyData(user.email)).split('.')[2]}`,
      ],
      ['empty', `${header}.${payload}.`],
    ];
    for (const [label, forged] of forgeries)
      t.attempt(label, signedIn(await signInWithPasskeyData(stack, user.email, forged)));
    t.control('the untouched data', signedIn(await signInWithPasskeyData(stack, user.email, data)));
    t.finish();
  });

  it('refuses a signedPasskeyData with alg none', async () => {
    const t = tally('signedPasskeyData alg none');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'none');
    const honest = await device.signedPasskeyData(user.email);
    const claims = decodeJwt(honest);
    const unsecured = new UnsecuredJWT(claims).encode(); // header {"alg":"none"}, empty signature
    const [, payload] = unsecured.split('.') as [string, string];
    const variants: [string, string][] = [
      ['empty signature', unsecured],
      ['junk signature', `${unsecured}AAAA`],
      ['alg "None"', `${base64url.encode('{"alg":"None","typ":"JWT"}')}.${payload}.AAAA`],
    ];
    for (const [label, token] of variants)
      t.attempt(label, signedIn(await signInWithPasskeyData(stack, user.email, token)));
    t.control('the signed original', signedIn(await signInWithPasskeyData(stack, user.email, honest)));
    t.finish();
  });

  it('refuses an HS256 signedPasskeyData keyed with the public key (algorithm confusion)', async () => {
    const t = tally('signedPasskeyData HS256 with the public key');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'hs256');
    const honest = await device.signedPasskeyData(user.email);
    const { kid } = decodeProtectedHeader(honest);
    const claims = decodeJwt(honest);
    const jwks = (await (await fetch(`${stack.urls.localConnect}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, string>[];
    };
    const jwk = jwks.keys[0]!;
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const secrets: [string, Uint8Array][] = [
      ['PEM', new TextEncoder().encode(pem)],
      ['DER', spki],
      ['JWK JSON', new TextEncoder().encode(JSON.stringify(jwk))],
      // The key's own numbers: an RSA modulus, or an EC point uncompressed (0x04 ‖ x ‖ y).
      jwk.kty === 'RSA'
        ? ['modulus', base64url.decode(jwk.n!)]
        : ['EC point', Uint8Array.from([4, ...base64url.decode(jwk.x!), ...base64url.decode(jwk.y!)])],
    ];
    for (const [label, secret] of secrets) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: kid!, typ: 'JWT' })
        .setJti(`hs256-${label.replace(/\W/g, '')}-${Date.now()}`)
        .sign(Uint8Array.from(secret));
      t.attempt(label, signedIn(await signInWithPasskeyData(stack, user.email, forged)));
    }
    t.control('the RS256 original', signedIn(await signInWithPasskeyData(stack, user.email, honest)));
    t.finish();
  });

  it('refuses a signedPasskeyData of another Corbado project', async () => {
    const t = tally('signedPasskeyData wrong project / issuer');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'project');
    // (1) Another project with the stack's own signing key and this user's passkey: a copy of local-connect's
    // data under another project ID signs with the same key, so only the issuer tells the tokens apart.
    // (2) Another project with its own key, where the attacker enrolled a passkey under the user's name.
    const copies: string[] = [];
    const others: Awaited<ReturnType<typeof startLocalConnect>>[] = [];
    try {
      for (const sameKey of [true, false]) {
        const dir = mkdtempSync(join(tmpdir(), 'passkeys-other-project-'));
        copies.push(dir);
        if (sameKey)
          for (const suffix of ['', '-wal', '-shm']) {
            const from = join(stack.dataDir, 'local-connect', `local-connect.sqlite${suffix}`);
            if (existsSync(from)) copyFileSync(from, join(dir, `local-connect.sqlite${suffix}`));
          }
        const other = await startLocalConnect({
          port: 0,
          dataDir: dir,
          log: () => undefined,
          config: {
            projectId: 'pro-9999999999999999999',
            apiSecret: 'corbado1_other-project-secret',
            rp: { id: 'localhost', name: 'Another project', origins: [stack.urls.app] },
          },
        });
        others.push(other);
        const otherDevice = sameKey
          ? Object.assign(new PasskeyDevice(other.url, 'pro-9999999999999999999', stack.urls.app), {
              authenticator: device.authenticator,
            })
          : new PasskeyDevice(other.url, 'pro-9999999999999999999', stack.urls.app);
        if (!sameKey) {
          const { createCorbadoBackend } = await import('@cognito-passkeys/corbado-backend');
          const backend = createCorbadoBackend({
            baseUrl: other.url,
            projectId: 'pro-9999999999999999999',
            apiSecret: 'corbado1_other-project-secret',
          });
          await otherDevice.append(
            await backend.createConnectToken('passkey-append', {
              identifier: user.username,
              displayName: user.email,
            }),
          );
        }
        // No pre-login action there: the typed identifier is the username.
        const data = await otherDevice.signedPasskeyData(user.username);
        if (sameKey)
          expect(decodeProtectedHeader(data).kid).toBe(
            decodeProtectedHeader(await device.signedPasskeyData(user.email)).kid,
          );
        t.attempt(
          sameKey ? 'same signing key, other issuer' : 'other project’s key',
          signedIn(await signInWithPasskeyData(stack, user.email, data)),
        );
      }
    } finally {
      for (const other of others) await other.stop();
      for (const dir of copies) rmSync(dir, { recursive: true, force: true });
    }
    const own = await device.signedPasskeyData(user.email);
    t.control("this project's data", signedIn(await signInWithPasskeyData(stack, user.email, own)));
    t.finish();
  });

  it('refuses a signedPasskeyData minted for a passkey deleted since', async () => {
    const t = tally('signedPasskeyData of a deleted passkey');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'deleted');
    const data = await device.signedPasskeyData(user.email);
    const before = await device.signedPasskeyData(user.email);
    t.control(
      'data of the passkey before it is deleted',
      signedIn(await signInWithPasskeyData(stack, user.email, before)),
    );
    const processId = await device.process('manage');
    const deleted = await device.call(
      'manage/delete',
      { connectToken: await connectToken(stack, 'passkey-delete', user), credentialID: user.credentialId },
      processId,
    );
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    t.attempt('after manage/delete', signedIn(await signInWithPasskeyData(stack, user.email, data)));
    t.finish();
  });

  it('lets exactly one of two simultaneous submits of one signedPasskeyData win', async () => {
    const t = tally('signedPasskeyData submitted twice at once');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'race');
    for (let round = 1; round <= 5; round += 1) {
      const data = await device.signedPasskeyData(user.email);
      const [a, b] = await Promise.all([
        startCustomAuth(stack, user.email),
        startCustomAuth(stack, user.email),
      ]);
      const outcomes = await Promise.all([
        respond(stack, a.session, data, a.username),
        respond(stack, b.session, data, b.username),
      ]);
      const winners = outcomes.filter(signedIn).length;
      t.control(`round ${round}: one submit signs in`, winners >= 1);
      t.attempt(`round ${round}`, winners > 1);
    }
    t.finish();
  });
});

describe('the per-user block', () => {
  it('refuses every passkey answer of a blocked user, and signs them in again once unblocked', async () => {
    const t = tally('passkey sign-in of a blocked user (custom:passkeys_blocked)');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'blocked');
    const admin = adminClient(stack);
    const target = { UserPoolId: stack.ids.userPoolId, Username: user.username };
    await admin.send(
      new AdminUpdateUserAttributesCommand({
        ...target,
        UserAttributes: [
          { Name: PASSKEYS_BLOCKED_ATTRIBUTE.attribute, Value: PASSKEYS_BLOCKED_ATTRIBUTE.blockedValue },
        ],
      }),
    );
    for (let i = 1; i <= 3; i += 1) {
      const data = await device.signedPasskeyData(user.email);
      t.attempt(
        `fresh answer ${i} while blocked`,
        signedIn(await signInWithPasskeyData(stack, user.email, data)),
      );
    }
    await admin.send(
      new AdminDeleteUserAttributesCommand({
        ...target,
        UserAttributeNames: [PASSKEYS_BLOCKED_ATTRIBUTE.attribute],
      }),
    );
    const data = await device.signedPasskeyData(user.email);
    t.control(
      'a fresh answer once unblocked',
      signedIn(await signInWithPasskeyData(stack, user.email, data)),
    );
    t.finish();
  });
});

describe('WebAuthn assertions', () => {
  /** A login whose assertion was bent; accepted if login/finish handed out signedPasskeyData. */
  async function bentLogin(
    device: PasskeyDevice,
    email: string,
    bend: Parameters<PasskeyDevice['login']>[1],
  ) {
    const finish = await device.login(email, bend);
    expect(finish.status, 'refused with a 4xx, never a 5xx').toBeLessThan(500);
    return typeof finish.body.signedPasskeyData === 'string' && finish.body.signedPasskeyData !== '';
  }

  it('refuses an assertion made for another origin', async () => {
    const t = tally('WebAuthn wrong origin');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'origin');
    const appPort = new URL(stack.urls.app).port;
    for (const origin of [
      'https://evil.example',
      `http://127.0.0.1:${appPort}`,
      `https://localhost:${appPort}`,
      `http://localhost:${Number(appPort) + 1}`,
      'http://localhost',
    ])
      t.attempt(origin, await bentLogin(device, user.email, { origin }));
    t.control('the app origin', await bentLogin(device, user.email, {}));
    t.finish();
  });

  it('refuses an assertion signed for another RP ID', async () => {
    const t = tally('WebAuthn wrong RP ID');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'rpid');
    for (const rpId of ['evil.example', 'localhost.evil.example', '127.0.0.1']) {
      const { processId, res } = await device.loginStart(user.email);
      const options = JSON.parse(res.body.assertionOptions as string) as { publicKey: { rpId: string } };
      options.publicKey.rpId = rpId; // the authenticator hashes this RP ID into authenticatorData
      const assertionResponse = device.authenticator.get(JSON.stringify(options), { origin: stack.urls.app });
      const finish = await device.call(
        'login/finish',
        { isConditionalUI: false, assertionResponse },
        processId,
      );
      expect(finish.status).toBeLessThan(500);
      t.attempt(
        rpId,
        typeof finish.body.signedPasskeyData === 'string' && finish.body.signedPasskeyData !== '',
      );
    }
    t.control('the RP ID asked for', await bentLogin(device, user.email, {}));
    t.finish();
  });

  it('refuses a cloned authenticator (a signature counter that did not grow)', async () => {
    // WebAuthn L3 §7.2 step 22: a counter that is not greater than the stored one (when either is nonzero)
    // signals a cloned authenticator, and the RP decides. Corbado's stand-in refuses the assertion and
    // keeps the stored counter, as SimpleWebAuthn's verifyAuthenticationResponse does.
    const t = tally('WebAuthn counter regression (clone)');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'clone');
    for (let i = 1; i <= 3; i += 1) t.control(`honest login ${i}`, await bentLogin(device, user.email, {})); // counter 3
    for (const [label, counter] of [
      ['lower', 1],
      ['equal', 3],
      ['zero', 0],
    ] as const)
      t.attempt(`counter ${label}`, await bentLogin(device, user.email, { counter }));
    // The honest device, whose counter moves on, still signs in.
    t.control('the device, counter 10', await bentLogin(device, user.email, { counter: 10 }));
    t.finish();
  });

  it('refuses an assertion without user verification (required by default)', async () => {
    const t = tally('WebAuthn user verification missing');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'uv');
    t.attempt('login', await bentLogin(device, user.email, { noUserVerification: true }));
    // Adding a passkey without UV is refused too.
    const { processId, res } = await device.appendStart(await connectToken(stack, 'passkey-append', user));
    const attestationResponse = device.authenticator.create(res.body.attestationOptions as string, {
      origin: stack.urls.app,
      noUserVerification: true,
    });
    const finish = await device.call('append/finish', { attestationResponse }, processId);
    expect(finish.status).toBeLessThan(500);
    t.attempt('append', finish.status === 200);
    t.control('login with UV', await bentLogin(device, user.email, {}));
    t.finish();
  });
});

describe('Cognito custom auth', () => {
  it('ends the session after the attempt limit, even for a correct answer after it', async () => {
    const t = tally('Cognito brute force past the attempt limit');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'brute');
    const valid = await device.signedPasskeyData(user.email);
    const wrong = await device
      .signedPasskeyData(user.email)
      .then((d) => withPayload(d, (c) => (c.jti = 'x')));
    const started = await startCustomAuth(stack, user.email);
    const { username } = started;
    let { session } = started;
    const used: string[] = [];
    let answered = 0;
    // Wrong answers until the pool ends the session (MAX_PASSKEY_ATTEMPTS, 3 by default).
    for (;;) {
      used.push(session);
      const outcome = await respond(stack, session, wrong, username);
      answered += 1;
      expect(signedIn(outcome)).toBe(false);
      if (!outcome.session) {
        expect(outcome.error).toBe('NotAuthorizedException');
        break;
      }
      if (answered > 10) break;
      session = outcome.session;
    }
    t.attempt('an 11th wrong answer still asked for another', answered > 10);
    expect(answered).toBe(3);
    // Every session of the exhausted sign-in, answered correctly now: none may still be open.
    for (const [i, old] of used.entries()) {
      const outcome = await respond(stack, old, valid, username);
      t.attempt(
        `session ${i + 1} reused with a valid answer`,
        signedIn(outcome) || outcome.session !== undefined,
      );
    }
    // The valid answer was not used up by those refusals.
    t.control(
      'the valid answer in a new sign-in',
      signedIn(await signInWithPasskeyData(stack, user.email, valid)),
    );
    t.finish();
  });

  it('never mixes the password (SRP) flow with the passkey challenge', async () => {
    const t = tally('Cognito SRP mixed with the custom challenge');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'mixed');
    // A valid SRP_A (any value in 1..N-1; N begins with 0xFF…), for a session that expects the password.
    const srpA = `7f${Buffer.from(crypto.getRandomValues(new Uint8Array(383))).toString('hex')}`;
    const cognito = publicClient(stack);
    try {
      // (1) A USER_SRP_AUTH session answered with a passkey instead of the password proof.
      const srp = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_SRP_AUTH',
          ClientId: stack.ids.clientId,
          AuthParameters: { USERNAME: user.email, SRP_A: srpA },
        }),
      );
      expect(srp.ChallengeName).toBe('PASSWORD_VERIFIER');
      const data = await device.signedPasskeyData(user.email);
      t.attempt(
        'SRP session answered with signedPasskeyData',
        signedIn(await respond(stack, srp.Session!, data, srp.ChallengeParameters!.USERNAME!)),
      );
      // (2) A CUSTOM_AUTH session answered with a password proof.
      const custom = await startCustomAuth(stack, user.email);
      const proof = await respond(stack, custom.session, 'AAAA', custom.username, 'PASSWORD_VERIFIER');
      t.attempt('custom session answered as PASSWORD_VERIFIER', signedIn(proof));
      // (3) CUSTOM_AUTH started with SRP_A (Amplify's CUSTOM_WITH_SRP), then the passkey challenge answered.
      let started: SignInOutcome;
      try {
        const out = await cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: stack.ids.clientId,
            AuthParameters: { USERNAME: user.email, SRP_A: srpA },
          }),
        );
        started = out.Session ? { session: out.Session } : {};
        if (out.AuthenticationResult) started.tokens = out.AuthenticationResult;
      } catch (error) {
        started = { error: nameOf(error) };
      }
      let mixed = signedIn(started);
      if (started.session)
        mixed ||= signedIn(
          await respond(stack, started.session, await device.signedPasskeyData(user.email), user.username),
        );
      t.attempt('CUSTOM_AUTH with SRP_A, then signedPasskeyData', mixed);
      // The data from (1) was never accepted, so it is still good for an honest sign-in.
      t.control(
        'the data of (1) in a custom-auth sign-in',
        signedIn(await signInWithPasskeyData(stack, user.email, data)),
      );
    } finally {
      cognito.destroy();
    }
    t.finish();
  });

  it('gives no tokens for a user who does not exist', async () => {
    const t = tally('Cognito custom auth for an unknown user');
    const device = deviceFor(stack);
    const real = await userWithPasskey(stack, device, 'real');
    for (const ghost of ['ghost@example.com', real.username.replace(/.$/, (c) => (c === '0' ? '1' : '0'))]) {
      const data = await device.signedPasskeyData(real.email);
      let outcome: SignInOutcome;
      try {
        outcome = await signInWithPasskeyData(stack, ghost, data);
      } catch (error) {
        outcome = { error: nameOf(error) };
      }
      t.attempt(ghost, signedIn(outcome));
    }
    const own = await device.signedPasskeyData(real.email);
    t.control('the real user', signedIn(await signInWithPasskeyData(stack, real.email, own)));
    t.finish();
  });
});
