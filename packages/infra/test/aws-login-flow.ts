// `npm run test:aws -w packages/infra`: the passkey sign-in path against a deployed stack.
// Gated: runs only when the CDK outputs file exists (`cdk deploy --outputs-file cdk-outputs.json`;
// another path with CDK_OUTPUTS_FILE), with AWS credentials that may administer the pool. Otherwise it
// says it was skipped and exits 0.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

const outputsFile = resolve(process.env.CDK_OUTPUTS_FILE ?? 'cdk-outputs.json');
if (!existsSync(outputsFile)) {
  console.log(
    `test:aws skipped: no CDK outputs file at ${outputsFile} (deploy with --outputs-file, or set CDK_OUTPUTS_FILE).`,
  );
  process.exit(0);
}

const stacks = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
const outputs = Object.assign({}, ...Object.values(stacks)) as Record<string, string>;
const output = (name: string): string => {
  const key = Object.keys(outputs).find((k) => k.includes(name));
  if (!key) throw new Error(`the outputs file has no ${name}`);
  return outputs[key]!;
};
const userPoolId = output('UserPoolId');
const clientId = output('UserPoolClientId');
const region = output('Region');
const cognito = new CognitoIdentityProviderClient({ region });

let passed = 0;
let failed = 0;
async function check(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const email = `passkey-test-${randomUUID()}@example.com`;
await cognito.send(
  new AdminCreateUserCommand({
    UserPoolId: userPoolId,
    Username: email,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  }),
);

try {
  await check(
    'custom auth starts with the passkey challenge, then fails after the attempt limit',
    async () => {
      const started = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: email },
        }),
      );
      assert.equal(started.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.equal(started.ChallengeParameters?.type, 'PASSKEY');
      let session = started.Session;
      const username = started.ChallengeParameters?.USERNAME ?? email;
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        try {
          const answer = await cognito.send(
            new RespondToAuthChallengeCommand({
              ClientId: clientId,
              ChallengeName: 'CUSTOM_CHALLENGE',
              Session: session,
              ChallengeResponses: { USERNAME: username, ANSWER: 'eyJhbGciOiJSUzI1NiJ9.e30.bm90LXNpZ25lZA' },
            }),
          );
          assert.equal(answer.AuthenticationResult, undefined, 'a forged answer must never give tokens');
          session = answer.Session;
        } catch (error) {
          assert.ok(error instanceof NotAuthorizedException, `attempt ${attempt}: ${String(error)}`);
          assert.equal(attempt, 3, 'the sign-in failed before the attempt limit');
          return;
        }
      }
      assert.fail('three wrong answers did not fail the sign-in');
    },
  );

  for (const name of ['PreLoginActionUrl', 'PostAppendActionUrl']) {
    await check(`${name} refuses a request without the shared secret`, async () => {
      const response = await fetch(output(name), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: email, username: email }),
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { error: { code: 'unauthorized' } });
    });
  }
} finally {
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
