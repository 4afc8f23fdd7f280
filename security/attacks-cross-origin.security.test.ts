// Attacks from another web site (a page on https://evil.example, as a browser sends its requests: with that
// Origin, preflighted where the browser preflights) on the local servers and the app's Server Action, and
// on the local stack's files (another user of the machine reading its state). Each test fails if its attack
// works, and records how many attempts were made and how many were accepted.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LocalStack } from '../scripts/local-stack';
import {
  EVIL_ORIGIN,
  deviceFor,
  signUp,
  signInWithPasskeyData,
  startAttackedStack,
  tally,
  userWithPasskey,
} from './support/attacker';
import { callServerAction, serverAction } from './support/server-actions';

let stack: LocalStack & { corbadoApiSecret: string };

beforeAll(async () => {
  stack = await startAttackedStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** The parameter the triggers read the Corbado API secret from (scripts/local-stack.ts). */
const SECRET_PARAMETER = '/cognito-passkeys/corbado-api-secret';

interface Answer {
  status: number;
  allowOrigin: string | null;
  body: string;
}

async function answerOf(res: Response): Promise<Answer> {
  return {
    status: res.status,
    allowOrigin: res.headers.get('access-control-allow-origin'),
    body: await res.text(),
  };
}

/** A browser would let the page read this answer (or send the real request after this preflight). */
const readableBy = (answer: Pick<Answer, 'allowOrigin'>, origin: string) =>
  answer.allowOrigin === '*' || answer.allowOrigin === origin;

/** The preflight a browser sends before a cross-origin POST with these headers. */
async function preflight(url: string, headers: string, origin = EVIL_ORIGIN): Promise<Answer> {
  return answerOf(
    await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': headers,
      },
    }),
  );
}

/**
 * An AWS JSON 1.1 call signed with the operator's keys (SigV4, the SDK's signer), sent with `origin`: the
 * origin check must hold even for a request whose credentials are good.
 */
async function signedAwsCall(
  service: 'cognito-idp' | 'ssm',
  target: string,
  body: unknown,
  origin?: string,
): Promise<Answer> {
  const url = new URL(stack.urls.localAws);
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
    },
    body: JSON.stringify(body),
  });
  const signer = new SignatureV4({
    service,
    region: stack.ids.region,
    credentials: stack.adminCredentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  const headers = new Headers(signed.headers);
  headers.delete('host');
  if (origin !== undefined) headers.set('origin', origin);
  return answerOf(await fetch(stack.urls.localAws, { method: 'POST', headers, body: signed.body as string }));
}

describe('cross-origin requests', () => {
  it('local-aws serves no other site: admin API, SSM and its preflights', async () => {
    const t = tally('cross-origin to local-aws');
    const headers = 'authorization,content-type,x-amz-date,x-amz-target';
    t.attempt('preflight', readableBy(await preflight(`${stack.urls.localAws}/`, headers), EVIL_ORIGIN));
    const email = `cross-origin-${Date.now()}@example.com`;
    const create = await signedAwsCall(
      'cognito-idp',
      'AWSCognitoIdentityProviderService.AdminCreateUser',
      { UserPoolId: stack.ids.userPoolId, Username: email, MessageAction: 'SUPPRESS' },
      EVIL_ORIGIN,
    );
    t.attempt('AdminCreateUser: done', create.status === 200);
    t.attempt('AdminCreateUser: readable', readableBy(create, EVIL_ORIGIN));
    const list = await signedAwsCall(
      'cognito-idp',
      'AWSCognitoIdentityProviderService.ListUsers',
      { UserPoolId: stack.ids.userPoolId },
      EVIL_ORIGIN,
    );
    t.attempt('ListUsers: done', list.status === 200);
    t.attempt('ListUsers: readable', readableBy(list, EVIL_ORIGIN));
    const parameter = await signedAwsCall(
      'ssm',
      'AmazonSSM.GetParameter',
      { Name: SECRET_PARAMETER, WithDecryption: true },
      EVIL_ORIGIN,
    );
    t.attempt('GetParameter: secret in the answer', parameter.body.includes(stack.corbadoApiSecret));
    t.attempt('GetParameter: readable', readableBy(parameter, EVIL_ORIGIN));
    // The same signed calls without an Origin (an operator's tooling) are served: the refusals were the origin's.
    const tooling = await signedAwsCall('cognito-idp', 'AWSCognitoIdentityProviderService.ListUsers', {
      UserPoolId: stack.ids.userPoolId,
    });
    t.control('signed ListUsers without an Origin', tooling.status === 200);
    const own = await preflight(`${stack.urls.localAws}/`, 'content-type,x-amz-target', stack.urls.app);
    t.control("the app's preflight", readableBy(own, stack.urls.app));
    const read = await signedAwsCall('ssm', 'AmazonSSM.GetParameter', {
      Name: SECRET_PARAMETER,
      WithDecryption: true,
    });
    t.control('signed GetParameter without an Origin', read.body.includes(stack.corbadoApiSecret));
    t.finish();
  });

  it('the outbox of sign-in codes is readable with no Origin at all', async () => {
    const t = tally('outbox read with an Origin');
    // A visitor's sign-up puts a confirmation code in the outbox.
    const email = `outbox-${Date.now()}@example.com`;
    await signUp(stack, email);
    const outbox = `${stack.urls.outbox}?to=${encodeURIComponent(email)}`;
    for (const origin of [EVIL_ORIGIN, stack.urls.app, stack.urls.localConnect, 'null']) {
      const answer = await answerOf(await fetch(outbox, { headers: { origin } }));
      t.attempt(`GET with Origin ${origin}`, answer.status === 200 || readableBy(answer, origin));
      t.attempt(`GET with Origin ${origin}: a code in the answer`, /"code"\s*:\s*"\w+"/.test(answer.body));
      const pre = await answerOf(
        await fetch(outbox, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        }),
      );
      t.attempt(`preflight from ${origin}`, readableBy(pre, origin));
    }
    const tools = await answerOf(await fetch(outbox));
    t.control(
      'GET without an Origin (the developer’s tools) shows the code',
      /"code"\s*:\s*"\w+"/.test(tools.body),
    );
    t.finish();
  });

  it('local-connect serves no other site: Frontend API and Backend API', async () => {
    const t = tally('cross-origin to local-connect');
    const fapi = `${stack.urls.localConnect}/v2/connect/login/init`;
    const fapiHeaders = 'content-type,x-corbado-projectid,x-corbado-sdk,x-corbado-process-id';
    t.attempt('Frontend API preflight', readableBy(await preflight(fapi, fapiHeaders), EVIL_ORIGIN));
    const init = await answerOf(
      await fetch(fapi, {
        method: 'POST',
        headers: {
          origin: EVIL_ORIGIN,
          'content-type': 'application/json',
          'x-corbado-projectid': stack.ids.corbadoProjectId,
        },
        body: JSON.stringify({ clientInformation: {}, flags: {} }),
      }),
    );
    t.attempt('Frontend API login/init: done', init.status === 200);
    t.attempt('Frontend API login/init: readable', readableBy(init, EVIL_ORIGIN));
    // A "simple" request (text/plain, no custom header) skips the preflight in a browser.
    const simple = await answerOf(
      await fetch(fapi, {
        method: 'POST',
        headers: { origin: EVIL_ORIGIN, 'content-type': 'text/plain' },
        body: JSON.stringify({ clientInformation: {}, flags: {} }),
      }),
    );
    t.attempt('Frontend API simple request: readable', readableBy(simple, EVIL_ORIGIN));

    const backend = `${stack.urls.localConnect}/v2/connectTokens`;
    t.attempt(
      'Backend API preflight',
      readableBy(await preflight(backend, 'authorization,content-type'), EVIL_ORIGIN),
    );
    const mint = await answerOf(
      await fetch(backend, {
        method: 'POST',
        headers: {
          origin: EVIL_ORIGIN,
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${stack.ids.corbadoProjectId}:${stack.corbadoApiSecret}`).toString('base64')}`,
        },
        body: JSON.stringify({
          type: 'passkey-append',
          data: { identifier: 'someone', displayName: 'someone@example.com' },
        }),
      }),
    );
    t.attempt('Backend API connectTokens: readable', readableBy(mint, EVIL_ORIGIN));
    const verify = await answerOf(
      await fetch(`${stack.urls.localConnect}/v2/passkey/verifySignedData`, {
        method: 'POST',
        headers: { origin: EVIL_ORIGIN, 'content-type': 'text/plain' },
        body: JSON.stringify({ signedPasskeyData: 'a.b.c', username: 'someone' }),
      }),
    );
    t.attempt('Backend API verifySignedData: readable', readableBy(verify, EVIL_ORIGIN));
    // The app's own origin is served: the refusals above were the origin's.
    const own = await answerOf(
      await fetch(fapi, {
        method: 'POST',
        headers: {
          origin: stack.urls.app,
          'content-type': 'application/json',
          'x-corbado-projectid': stack.ids.corbadoProjectId,
        },
        body: JSON.stringify({ clientInformation: {}, flags: {} }),
      }),
    );
    t.control('login/init from the app origin', own.status === 200 && readableBy(own, stack.urls.app));
    t.finish();
  });

  it("the app's Server Action mints nothing for another site", async () => {
    const t = tally('cross-origin Server Action');
    const action = serverAction('getConnectToken');
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'action-origin');
    const outcome = await signInWithPasskeyData(
      stack,
      user.email,
      await device.signedPasskeyData(user.email),
    );
    const tokens = { idToken: outcome.tokens?.IdToken, accessToken: outcome.tokens?.AccessToken };
    const statuses = new Set<number>();
    for (const origin of [
      EVIL_ORIGIN,
      'null',
      `http://localhost.evil.example:${new URL(stack.urls.app).port}`,
    ]) {
      const answer = await callServerAction(stack.urls.app, action, ['passkey-list', tokens], { origin });
      statuses.add(answer.status);
      t.attempt(`from ${origin}: readable`, readableBy(answer, origin));
      t.attempt(`from ${origin}`, (answer.result as { ok?: boolean } | undefined)?.ok === true);
      t.attempt(`from ${origin}: a token in the answer`, answer.text.includes('ctk1_'));
    }
    const own = await callServerAction(stack.urls.app, action, ['passkey-list', tokens]);
    t.control('the app origin', (own.result as { ok?: boolean } | undefined)?.ok === true);
    // The app's proxy refuses a foreign Origin with 403 before Next.js's own check (which answers 500).
    expect([...statuses]).toEqual([403]);
    t.finish();
  });
});

describe('file modes', () => {
  it("keeps the stack's data dir private: folders 0700, files 0600", async () => {
    const t = tally('file modes of the data dir');
    // Some activity first, so that every database, journal and key file exists.
    const device = deviceFor(stack);
    const user = await userWithPasskey(stack, device, 'modes');
    await signInWithPasskeyData(stack, user.email, await device.signedPasskeyData(user.email));
    const walk = (path: string): void => {
      const stat = statSync(path);
      const mode = stat.mode & 0o777;
      const expected = stat.isDirectory() ? 0o700 : 0o600;
      t.attempt(`${path.slice(stack.dataDir.length) || '/'} is ${mode.toString(8)}`, mode !== expected);
      if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    };
    walk(stack.dataDir);
    expect(readdirSync(stack.dataDir).length).toBeGreaterThan(0);
    t.finish();
  });
});
