// Attacks on the app's Server Action `getConnectToken` (called over HTTP exactly as the browser calls it)
// and on the connect tokens it hands out (used against local-connect's Frontend API). Sessions come from a
// real passkey sign-in through Cognito's custom-auth flow on the running local stack. Each test fails if its
// attack works, and records how many attempts were made and how many were accepted.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SignUpCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { start as startLocalAws } from '@cognito-passkeys/local-aws';
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { LocalStack } from '../scripts/local-stack';
import {
  PASSWORD,
  adminClient,
  connectToken,
  deviceFor,
  publicClient,
  respond,
  signInWithPasskeyData,
  startAttackedStack,
  tally,
  userWithPasskey,
  type PasskeyDevice,
  type User,
} from './support/attacker';
import { callServerAction, serverAction } from './support/server-actions';

let stack: LocalStack & { corbadoApiSecret: string };
let getConnectToken: { id: string; page: string };

beforeAll(async () => {
  stack = await startAttackedStack();
  getConnectToken = serverAction('getConnectToken');
});

afterAll(async () => {
  await stack?.stop();
});

type ConnectTokenAnswer = { ok: true; token: string } | { ok: false; code: string };

interface Session {
  idToken: string;
  accessToken: string;
}

/** Calls the Server Action as the app's page does; a 5xx or an answer without a result fails the test. */
async function askConnectToken(type: string, tokens: unknown): Promise<ConnectTokenAnswer> {
  const answer = await callServerAction(stack.urls.app, getConnectToken, [type, tokens]);
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  const ok = (answer.result as { ok?: unknown } | undefined)?.ok;
  expect(typeof ok, answer.text.slice(0, 300)).toBe('boolean');
  // Only codes cross the boundary: no stack frame, no dependency's message.
  expect(answer.text).not.toMatch(/\bat .+\.(?:js|ts|mjs):\d+|Error:/);
  return answer.result as ConnectTokenAnswer;
}

const minted = (answer: ConnectTokenAnswer) => answer.ok;

/** Minted, or refused with a code other than `codes`: both count as the attack working on its own terms. */
function mintedOr(answer: ConnectTokenAnswer, codes: readonly string[]): boolean {
  if (answer.ok) return true;
  expect(codes, `the refusal's code`).toContain(answer.code);
  return false;
}

/** What a session that is not this pool's and client's, or not a pair of tokens, is refused with. */
const NOT_A_SESSION = ['invalid_token', 'invalid_request'] as const;

function sessionOf(result: AuthenticationResultType | undefined): Session {
  expect(result?.IdToken).toBeDefined();
  return { idToken: result!.IdToken!, accessToken: result!.AccessToken! };
}

/** A user with a passkey, signed in with it (custom auth): a real Amplify session's two tokens. */
async function signedInUser(name: string): Promise<{ user: User; device: PasskeyDevice; session: Session }> {
  const device = deviceFor(stack);
  const user = await userWithPasskey(stack, device, name);
  const outcome = await signInWithPasskeyData(stack, user.email, await device.signedPasskeyData(user.email));
  return { user, device, session: sessionOf(outcome.tokens) };
}

/** Re-encodes a JWT with a changed payload, keeping header and signature. */
function withPayload(jwt: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

describe('getConnectToken', () => {
  it('mints every connect token for a fresh session (the control: the harness can see a token)', async () => {
    const { session } = await signedInUser('action-control');
    for (const type of ['passkey-append', 'passkey-list', 'passkey-delete'])
      expect(await askConnectToken(type, session), type).toMatchObject({ ok: true });
  });

  it('refuses forged idTokens', async () => {
    const t = tally('getConnectToken forged idToken');
    const victim = await signedInUser('forged-victim');
    const attacker = await signedInUser('forged-attacker');
    const { kid } = decodeProtectedHeader(attacker.session.idToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const resigned = async (jwt: string, alg: 'RS256' | 'HS256' = 'RS256') =>
      new SignJWT(decodeJwt(jwt))
        .setProtectedHeader({ alg, kid: kid!, typ: 'JWT' })
        .sign(alg === 'RS256' ? privateKey : new TextEncoder().encode('secret'));
    const unsigned = (jwt: string) =>
      `${base64url.encode('{"alg":"none","typ":"JWT"}')}.${jwt.split('.')[1]}.`;
    const a = attacker.session;
    const v = victim.session;
    const forgeries: [string, Session][] = [
      // The attacker's own session, with the idToken's user changed to the victim.
      [
        "idToken's user changed",
        {
          idToken: withPayload(a.idToken, (c) => {
            c.sub = decodeJwt(v.idToken).sub;
            c['cognito:username'] = decodeJwt(v.idToken)['cognito:username'];
            c.email = decodeJwt(v.idToken).email;
          }),
          accessToken: a.accessToken,
        },
      ],
      [
        'both tokens of the victim, re-signed with my key',
        { idToken: await resigned(v.idToken), accessToken: await resigned(v.accessToken) },
      ],
      [
        'both tokens, HS256',
        { idToken: await resigned(v.idToken, 'HS256'), accessToken: await resigned(v.accessToken, 'HS256') },
      ],
      ['both tokens, alg none', { idToken: unsigned(v.idToken), accessToken: unsigned(v.accessToken) }],
      // Tokens of two sessions: the victim's idToken (stolen from a log, say) with the attacker's access token.
      ["the victim's idToken with my access token", { idToken: v.idToken, accessToken: a.accessToken }],
      ["my idToken with the victim's access token", { idToken: a.idToken, accessToken: v.accessToken }],
      ['idToken missing', { idToken: '', accessToken: a.accessToken }],
    ];
    for (const [label, session] of forgeries) {
      const answer = await askConnectToken('passkey-list', session);
      t.attempt(label, mintedOr(answer, NOT_A_SESSION));
    }
    t.control("the attacker's own session", minted(await askConnectToken('passkey-list', a)));
    t.finish();
  });

  it('refuses an expired session', async () => {
    // local-aws runs in this process: signing in with this process's clock two hours back gives tokens
    // that expired an hour ago (the app, another process, keeps the real time).
    const t = tally('getConnectToken expired idToken');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'expired-session');
    const data = await device.signedPasskeyData(user.email);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: Date.now() - 2 * 3600 * 1000 });
    let old: Session;
    try {
      // Minted at the moved time too. A login token skips the pre-login action, whose AWS calls are signed
      // on a worker's unmoved clock (a 2-hour skew that local-aws rightly refuses).
      const login = await connectToken(stack, 'passkey-login', user);
      const earlier = await device.signedPasskeyData(user.email, login);
      old = sessionOf((await signInWithPasskeyData(stack, user.email, earlier)).tokens);
    } finally {
      vi.useRealTimers();
    }
    expect(decodeJwt(old.idToken).exp! * 1000).toBeLessThan(Date.now());
    for (const type of ['passkey-list', 'passkey-append', 'passkey-delete'])
      t.attempt(type, mintedOr(await askConnectToken(type, old), ['invalid_token']));
    const fresh = sessionOf((await signInWithPasskeyData(stack, user.email, data)).tokens);
    t.control('a fresh session', minted(await askConnectToken('passkey-list', fresh)));
    t.finish();
  });

  it('refuses the session of another user pool', async () => {
    // A second pool, on a second local-aws with its own keys, under the same region and client ID: only
    // the issuer and the signature tell its tokens apart.
    const t = tally('getConnectToken other-pool idToken');
    const dir = mkdtempSync(join(tmpdir(), 'passkeys-other-pool-'));
    const other = await startLocalAws({
      port: 0,
      dataDir: dir,
      log: () => undefined,
      config: {
        region: stack.ids.region,
        userPools: [
          {
            id: `${stack.ids.region}_OtherPool1`,
            name: 'other',
            usernameAttributes: ['email'],
            clients: [
              { id: stack.ids.clientId, name: 'web', explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] },
            ],
          },
        ],
      },
    });
    const cognito = new CognitoIdentityProviderClient({
      endpoint: other.url,
      region: stack.ids.region,
      credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
    });
    try {
      const { user } = await signedInUser('other-pool');
      // The same email and username-shaped identity in the other pool.
      await cognito.send(
        new SignUpCommand({
          ClientId: stack.ids.clientId,
          Username: user.email,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: user.email }],
        }),
      );
      const outbox = (await (
        await fetch(`${other.url}/_local/outbox?to=${encodeURIComponent(user.email)}`)
      ).json()) as {
        messages: { code?: string }[];
      };
      await cognito.send(
        new ConfirmSignUpCommand({
          ClientId: stack.ids.clientId,
          Username: user.email,
          ConfirmationCode: outbox.messages.find((m) => m.code)!.code!,
        }),
      );
      const signedIn = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: stack.ids.clientId,
          AuthParameters: { USERNAME: user.email, PASSWORD },
        }),
      );
      const session = sessionOf(signedIn.AuthenticationResult);
      for (const type of ['passkey-list', 'passkey-append'])
        t.attempt(type, mintedOr(await askConnectToken(type, session), ['invalid_token']));
    } finally {
      cognito.destroy();
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const { session } = await signedInUser('other-pool-control');
    t.control("this pool's session", minted(await askConnectToken('passkey-list', session)));
    t.finish();
  });

  it('refuses the session of another app client of the same pool', async () => {
    const t = tally('getConnectToken other-client idToken');
    const offered = (stack as { adminCredentials?: unknown }).adminCredentials !== undefined;
    expect(offered, 'the local stack offers admin credentials (stack.adminCredentials) to add a client').toBe(
      true,
    );
    const admin = adminClient(stack);
    let clientId: string;
    try {
      const created = await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: stack.ids.userPoolId,
          ClientName: 'another-app',
          ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      clientId = created.UserPoolClient!.ClientId!;
    } finally {
      admin.destroy();
    }
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'other-client');
    const cognito = publicClient(stack);
    try {
      const started = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: user.email },
        }),
      );
      const outcome = await respond(
        { ...stack, ids: { ...stack.ids, clientId } },
        started.Session!,
        await device.signedPasskeyData(user.email),
        started.ChallengeParameters!.USERNAME!,
      );
      const session = sessionOf(outcome.tokens);
      for (const type of ['passkey-list', 'passkey-append'])
        t.attempt(type, mintedOr(await askConnectToken(type, session), ['invalid_token']));
    } finally {
      cognito.destroy();
    }
    t.finish();
  });

  it('refuses an access token passed as the idToken (and the reverse)', async () => {
    const t = tally('getConnectToken access token as idToken');
    const { session } = await signedInUser('token-use');
    const swaps: [string, Session][] = [
      ['access token as idToken', { idToken: session.accessToken, accessToken: session.accessToken }],
      ['idToken as access token', { idToken: session.idToken, accessToken: session.idToken }],
      ['swapped', { idToken: session.accessToken, accessToken: session.idToken }],
    ];
    for (const [label, tokens] of swaps)
      t.attempt(label, mintedOr(await askConnectToken('passkey-list', tokens), ['invalid_token']));
    t.control('the right way round', minted(await askConnectToken('passkey-list', session)));
    t.finish();
  });

  it('refuses a session revoked by GlobalSignOut, or of a user disabled since', async () => {
    const t = tally('getConnectToken revoked session');
    const { session } = await signedInUser('revoked');
    t.control('before sign-out', minted(await askConnectToken('passkey-list', session)));
    const cognito = publicClient(stack);
    try {
      await cognito.send(new GlobalSignOutCommand({ AccessToken: session.accessToken }));
    } finally {
      cognito.destroy();
    }
    for (const type of ['passkey-list', 'passkey-append', 'passkey-delete']) {
      const answer = await askConnectToken(type, session);
      t.attempt(type, minted(answer));
      if (!answer.ok) expect(answer.code).toBe('session_revoked');
    }
    const disabled = await signedInUser('disabled');
    t.control('before the user is disabled', minted(await askConnectToken('passkey-list', disabled.session)));
    const admin = adminClient(stack);
    try {
      await admin.send(
        new AdminDisableUserCommand({ UserPoolId: stack.ids.userPoolId, Username: disabled.user.email }),
      );
    } finally {
      admin.destroy();
    }
    const answer = await askConnectToken('passkey-list', disabled.session);
    t.attempt('a disabled user', minted(answer));
    if (!answer.ok) expect(answer.code).toBe('session_revoked');
    t.finish();
  });

  it('asks an old sign-in to sign in again before adding or deleting a passkey', async () => {
    // The app allows PASSKEY_REAUTH_MAX_AGE_SECONDS (15 minutes by default) since the sign-in. Signing in
    // with this process's clock 20 minutes back gives a session that is valid but 20 minutes old.
    const t = tally('getConnectToken too-old authentication');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'old-auth');
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: Date.now() - 20 * 60 * 1000 });
    let old: Session;
    let refreshToken: string;
    try {
      // A login token skips the pre-login action, whose AWS calls are signed on a worker's unmoved clock.
      const login = await connectToken(stack, 'passkey-login', user);
      const data = await device.signedPasskeyData(user.email, login);
      const { tokens } = await signInWithPasskeyData(stack, user.email, data);
      old = sessionOf(tokens);
      refreshToken = tokens!.RefreshToken!;
    } finally {
      vi.useRealTimers();
    }
    // Refreshed now: new tokens, but Cognito keeps the sign-in's auth_time, which is what counts.
    const cognito = publicClient(stack);
    let refreshed: Session;
    try {
      const out = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: stack.ids.clientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      refreshed = { ...sessionOf(out.AuthenticationResult) };
    } finally {
      cognito.destroy();
    }
    expect(decodeJwt(refreshed.idToken).iat! * 1000).toBeGreaterThan(Date.now() - 60_000);
    for (const [label, session] of [
      ['20-minute-old session', old],
      ['refreshed tokens of it', refreshed],
    ] as const)
      for (const type of ['passkey-append', 'passkey-delete']) {
        const answer = await askConnectToken(type, session);
        t.attempt(`${label}: ${type}`, minted(answer));
        if (!answer.ok) expect(answer.code).toBe('reauthentication_required');
      }
    t.control('listing with the old session', minted(await askConnectToken('passkey-list', old)));
    t.finish();
  });

  it('mints no token of a kind the browser may not ask for', async () => {
    const t = tally('getConnectToken other token types');
    const { session } = await signedInUser('types');
    for (const type of ['passkey-login', 'PASSKEY-APPEND', 'passkey-append ', '', 'constructor'])
      t.attempt(JSON.stringify(type), mintedOr(await askConnectToken(type, session), ['invalid_request']));
    t.control('passkey-list', minted(await askConnectToken('passkey-list', session)));
    t.finish();
  });
});

describe('connect tokens', () => {
  async function tokenFromAction(type: string, session: Session): Promise<string> {
    const answer = await askConnectToken(type, session);
    expect(answer, type).toMatchObject({ ok: true });
    return (answer as { token: string }).token;
  }

  it('refuses a consumed append token', async () => {
    const t = tally('connect token: consumed append token reused');
    const { device, session } = await signedInUser('append-reuse');
    const token = await tokenFromAction('passkey-append', session);
    await device.append(token); // consumes it
    const again = await device.appendStart(token);
    expect(again.res.status).toBeLessThan(500);
    t.attempt('append/start again', again.res.status === 200);
    t.control(
      'a new append token',
      (await device.appendStart(await tokenFromAction('passkey-append', session))).res.status === 200,
    );
    t.finish();
  });

  it('refuses a list token for a delete', async () => {
    const t = tally('connect token: list token used to delete');
    const { device, session } = await signedInUser('list-delete');
    const listToken = await tokenFromAction('passkey-list', session);
    const list = await device.call(
      'manage/list',
      { connectToken: listToken },
      await device.process('manage'),
    );
    t.control('the list token lists', list.status === 200);
    const passkeys = (list.body.passkeys ?? []) as { credentialID: string }[];
    const credentialID = passkeys[0]?.credentialID ?? 'none';
    const del = await device.call(
      'manage/delete',
      { connectToken: listToken, credentialID },
      await device.process('manage'),
    );
    expect(del.status).toBeLessThan(500);
    t.attempt('manage/delete with a list token', del.status === 200);
    const after = await device.call(
      'manage/list',
      { connectToken: listToken },
      await device.process('manage'),
    );
    t.attempt('the passkey is gone', ((after.body.passkeys ?? []) as unknown[]).length === 0);
    t.finish();
  });

  it('refuses a token of one kind where another is needed', async () => {
    const t = tally('connect token: wrong kind');
    const { user, device, session } = await signedInUser('wrong-kind');
    const credentialID = device.authenticator.credentials[0]!.id.toString('base64url');
    // The Backend API (the app's server only) mints login tokens; the action mints the others.
    const login = await connectToken(stack, 'passkey-login', user);
    const list = await tokenFromAction('passkey-list', session);
    const del = await tokenFromAction('passkey-delete', session);
    const append = await tokenFromAction('passkey-append', session);
    const ok = (res: { status: number }) => {
      expect(res.status).toBeLessThan(500);
      return res.status === 200;
    };
    const manage = async (path: string, body: unknown) =>
      ok(await device.call(path, body, await device.process('manage')));
    t.attempt('login token to append', ok((await device.appendStart(login)).res));
    t.attempt('list token to append', ok((await device.appendStart(list)).res));
    t.attempt('delete token to append', ok((await device.appendStart(del)).res));
    t.attempt('login token to list', await manage('manage/list', { connectToken: login }));
    t.attempt('append token to list', await manage('manage/list', { connectToken: append }));
    t.attempt('login token to delete', await manage('manage/delete', { connectToken: login, credentialID }));
    t.attempt(
      'append token to delete',
      await manage('manage/delete', { connectToken: append, credentialID }),
    );
    const processId = await device.process('login');
    const start = await device.call(
      'login/start',
      { identifier: user.email, source: 'text-field', loadedMs: 1, loginConnectToken: append },
      processId,
    );
    expect(start.status).toBeLessThan(500);
    t.attempt('append token as login token', start.status === 200 && start.body.assertionOptions !== '');
    t.control('the delete token deletes', await manage('manage/delete', { connectToken: del, credentialID }));
    t.finish();
  });
});
