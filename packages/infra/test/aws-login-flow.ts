// `npm run test:aws -w packages/infra`: the passkey sign-in path against a deployed stack.
// Gated: runs only when the CDK outputs file exists (`cdk deploy --outputs-file cdk-outputs.json`;
// another path with CDK_OUTPUTS_FILE), with AWS credentials that may administer the pool. Otherwise it
// says it was skipped and exits 0.
//
// The actions role is checked from the caller's side: no session without the external ID, ever. Whether the
// role lets in the right principal and allows exactly the three Cognito actions is checked only when these
// credentials are that principal (deploy with -c corbadoActionsPrincipal=<this account ID> to test it);
// otherwise that check says it was skipped.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUsersCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import {
  ACTION_ROLE_MAX_SESSION_SECONDS,
  ACTION_ROLE_SESSION_NAME,
} from '@cognito-passkeys/corbado-actions/role-policy';

const outputsFile = resolve(process.env.CDK_OUTPUTS_FILE ?? 'cdk-outputs.json');
if (!existsSync(outputsFile)) {
  console.log(
    `test:aws skipped: no CDK outputs file at ${outputsFile} (deploy with --outputs-file, or set CDK_OUTPUTS_FILE).`,
  );
  process.exit(0);
}

const stacks = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
const outputs = Object.assign({}, ...Object.values(stacks)) as Record<string, string>;
const optionalOutput = (name: string): string | undefined => {
  const key = Object.keys(outputs).find((k) => k.includes(name));
  return key === undefined ? undefined : outputs[key];
};
const output = (name: string): string => {
  const value = optionalOutput(name);
  if (value === undefined) throw new Error(`the outputs file has no ${name}`);
  return value;
};
const userPoolId = output('UserPoolId');
const clientId = output('UserPoolClientId');
const region = output('Region');
const actionsRoleArn = optionalOutput('ActionsRoleArn');
const actionsExternalId = optionalOutput('ActionsExternalId');
const requestHandler = { connectionTimeout: 3000, requestTimeout: 10_000 };
const cognito = new CognitoIdentityProviderClient({ region, requestHandler });
const sts = new STSClient({ region, requestHandler });

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/** Assumes the actions role as Corbado's scripts do; answers the error's name when STS refuses. */
async function assumeActionsRole(externalId: string | undefined): Promise<Credentials | string> {
  try {
    const { Credentials: credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: actionsRoleArn,
        RoleSessionName: ACTION_ROLE_SESSION_NAME,
        DurationSeconds: ACTION_ROLE_MAX_SESSION_SECONDS,
        ...(externalId === undefined ? {} : { ExternalId: externalId }),
      }),
    );
    assert.ok(credentials, 'AssumeRole answered without credentials');
    return credentials;
  } catch (error) {
    return errorName(error);
  }
}

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

  if (actionsRoleArn === undefined || actionsExternalId === undefined) {
    console.log('skip the actions role checks: the stack was deployed with corbadoActions=off');
  } else {
    await check('the actions role gives no session without the external ID', async () => {
      assert.equal(await assumeActionsRole(undefined), 'AccessDenied');
      assert.equal(await assumeActionsRole(`${actionsExternalId}-wrong`), 'AccessDenied');
    });

    const session = await assumeActionsRole(actionsExternalId);
    if (typeof session === 'string') {
      console.log(
        `skip the actions role's permissions: these credentials are not its trusted principal (${session})`,
      );
    } else {
      await check('the actions role may look users up in this pool and do nothing else', async () => {
        const asAction = new CognitoIdentityProviderClient({
          region,
          requestHandler,
          credentials: {
            accessKeyId: session.AccessKeyId!,
            secretAccessKey: session.SecretAccessKey!,
            sessionToken: session.SessionToken!,
          },
        });
        const user = await asAction.send(
          new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }),
        );
        assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
        const found = await asAction.send(
          new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${email}"`, Limit: 1 }),
        );
        assert.equal(found.Users?.length, 1);
        const denied = await asAction
          .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }))
          .then(() => 'allowed', errorName);
        assert.equal(denied, 'AccessDeniedException');
      });
    }
  }
} finally {
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
