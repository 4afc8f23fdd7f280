// `block` / `unblock`: the per-user block attribute, which the verify trigger reads on every passkey answer.
import {
  AdminDeleteUserAttributesCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSKEYS_BLOCKED_ATTRIBUTE } from '@cognito-passkeys/deployment';

import { timeout, type AwsClients } from '../aws';
import { OK, type Output } from '../output';

export async function block(
  aws: AwsClients,
  out: Output,
  options: { poolId: string; username: string; keepSessions: boolean },
): Promise<void> {
  await aws.cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: options.poolId,
      Username: options.username,
      UserAttributes: [
        { Name: PASSKEYS_BLOCKED_ATTRIBUTE.attribute, Value: PASSKEYS_BLOCKED_ATTRIBUTE.blockedValue },
      ],
    }),
    timeout(),
  );
  out.line(
    `${OK} ${options.username}: passkey sign-in blocked (${PASSKEYS_BLOCKED_ATTRIBUTE.attribute}=true)`,
  );
  if (!options.keepSessions) {
    await aws.cognito.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: options.poolId, Username: options.username }),
      timeout(),
    );
    out.line(`${OK} ${options.username}: signed out everywhere (refresh tokens revoked)`);
  }
  out.result({
    userPoolId: options.poolId,
    username: options.username,
    blocked: true,
    signedOut: !options.keepSessions,
  });
}

export async function unblock(
  aws: AwsClients,
  out: Output,
  options: { poolId: string; username: string },
): Promise<void> {
  await aws.cognito.send(
    new AdminDeleteUserAttributesCommand({
      UserPoolId: options.poolId,
      Username: options.username,
      UserAttributeNames: [PASSKEYS_BLOCKED_ATTRIBUTE.attribute],
    }),
    timeout(),
  );
  out.line(`${OK} ${options.username}: passkey sign-in allowed again`);
  out.result({ userPoolId: options.poolId, username: options.username, blocked: false });
}
