// Load: many complete sign-ins at once through the local servers and the real trigger handlers. A passkey
// login is the whole path the app takes: login/init, login/start (the pre-login action through STS and
// Cognito), the software authenticator's assertion, login/finish, then Cognito custom auth with the AWS SDK
// (define, create, verify: verify reads the secret from SSM and asks the Backend API). A password sign-in
// is SRP with Amplify's math. Figures are printed and recorded, each with the time of one operation alone
// measured in the same run; the assertions are about errors only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { record } from './support/figures';
import { forEachLimited, medianAlone, runConcurrently, type LoadSummary } from './support/load';
import { SrpMath, srpSignIn } from './support/srp';
import {
  CLIENT_ID,
  SoftwareAuthenticator,
  startStack,
  USER_POOL_ID,
  type InProcessStack,
} from './support/stack';

/** How many sign-ins run at once in each scenario. */
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 100);
/** How many sign-ins, one after another, give the baseline. */
const ALONE = 5;
const PASSWORD = 'Load-Test-Passw0rd!';
const POOL = { userPoolId: USER_POOL_ID, clientId: CLIENT_ID };

let stack: InProcessStack;
let math: SrpMath;
const authenticator = new SoftwareAuthenticator();
const passkeyUsers: { email: string; username: string }[] = [];
const passwordUsers: { email: string; username: string }[] = [];

beforeAll(async () => {
  stack = await startStack();
  math = new SrpMath();
  const { clients } = stack;
  const emails = (kind: string) =>
    Array.from({ length: CONCURRENCY }, (_, i) => `${kind}-${i}@load.example.com`);
  // Users with a passkey appended the way the app does it (connect token from the Backend API, then
  // the append ceremony on the Frontend API, which runs post-append and turns email MFA on).
  await forEachLimited(emails('passkey'), 8, async (email) => {
    const username = await clients.createUser(email, PASSWORD);
    await clients.appendPasskey(username, email, authenticator);
    passkeyUsers.push({ email, username });
  });
  // Password users without a passkey, so no MFA step interrupts the SRP sign-in.
  await forEachLimited(emails('password'), 8, async (email) => {
    passwordUsers.push({ email, username: await clients.createUser(email, PASSWORD) });
  });
});

afterAll(async () => {
  await math?.close();
  await stack?.stop();
});

async function passkeyLogin(i: number): Promise<string> {
  const user = passkeyUsers[i];
  if (user === undefined) throw new Error('no user');
  const signedPasskeyData = await stack.clients.passkeyAssertion(user.email, authenticator);
  const result = await stack.clients.customAuth(signedPasskeyData);
  if (result.tokens?.IdToken === undefined) throw new Error('no tokens');
  return result.tokens.IdToken;
}

async function passwordSignIn(i: number): Promise<string> {
  const user = passwordUsers[i];
  if (user === undefined) throw new Error('no user');
  return (await srpSignIn(math, stack.clients.cognito, POOL, user.email, PASSWORD)).IdToken ?? '';
}

function report(name: string, summary: LoadSummary, aloneMs: number): void {
  const ratio = summary.p50ms / aloneMs;
  console.log(
    `${name}: ${summary.operations} at once, ${summary.errors} errors${
      summary.errorNames.length > 0 ? ` (${summary.errorNames.join(', ')})` : ''
    }, ${summary.perSecond.toFixed(1)}/s, p50 ${summary.p50ms.toFixed(0)} ms, p99 ${summary.p99ms.toFixed(0)} ms; ` +
      `one alone ${aloneMs.toFixed(0)} ms (p50 ${ratio.toFixed(1)}x that)`,
  );
  record({
    kind: 'load',
    name,
    figures: {
      operations: summary.operations,
      errors: summary.errors,
      perSecond: summary.perSecond,
      p50ms: summary.p50ms,
      p99ms: summary.p99ms,
    },
    note: `all started at once; one alone: ${aloneMs.toFixed(0)} ms, so p50 = ${ratio.toFixed(1)}x`,
  });
}

describe('load', () => {
  it(`completes ${CONCURRENCY} concurrent passkey logins with tokens and no error`, async () => {
    // The first ones also take the handlers' and the action workers' cold starts.
    const aloneMs = await medianAlone(ALONE, passkeyLogin);
    const idTokens = new Set<string>();
    const summary = await runConcurrently(passkeyUsers.length, async (i) =>
      idTokens.add(await passkeyLogin(i)),
    );
    report('passkey login (Connect + Cognito custom auth)', summary, aloneMs);
    expect(summary.errorNames).toEqual([]);
    expect(summary.errors).toBe(0);
    expect(idTokens.size).toBe(passkeyUsers.length);
  });

  it(
    `completes ${CONCURRENCY} concurrent SRP password sign-ins with no error`,
    { timeout: 400_000 },
    async () => {
      const aloneMs = await medianAlone(ALONE, passwordSignIn);
      const idTokens = new Set<string>();
      const summary = await runConcurrently(passwordUsers.length, async (i) =>
        idTokens.add(await passwordSignIn(i)),
      );
      report('password sign-in (SRP, Amplify math in 2 workers)', summary, aloneMs);
      expect(summary.errorNames).toEqual([]);
      expect(summary.errors).toBe(0);
      expect(idTokens.size).toBe(passwordUsers.length);
    },
  );

  it('refuses a wrong password on the same path (the sign-in can fail)', async () => {
    const user = passwordUsers[0];
    if (user === undefined) throw new Error('no user');
    await expect(
      srpSignIn(math, stack.clients.cognito, POOL, user.email, 'Wrong-Passw0rd!'),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});
