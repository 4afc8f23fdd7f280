// The cross-account role Corbado's actions assume: its policy is the actions' own list.
import { ACTION_ROLE_ACTIONS, ACTION_ROLE_MAX_SESSION_SECONDS } from '@cognito-passkeys/deployment';
import { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The cross-account role of Corbado's action scripts (spec: corbado-connect.md §1.4b): trusted by the
 * principal Corbado runs them as, only with the external ID, allowed exactly the Cognito calls the
 * scripts make, on this pool only, for at most the session length the scripts ask for.
 */
export function createActionsRole(
  scope: Construct,
  userPool: cognito.IUserPool,
  principal: iam.IPrincipal,
  externalId: string,
): iam.Role {
  return new iam.Role(scope, 'ActionsRole', {
    assumedBy: principal,
    externalIds: [externalId],
    maxSessionDuration: Duration.seconds(ACTION_ROLE_MAX_SESSION_SECONDS),
    description: "Assumed by Corbado Connect's pre-login and post-append actions to read one user pool",
    inlinePolicies: {
      CognitoUserPool: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: [...ACTION_ROLE_ACTIONS],
            resources: [userPool.userPoolArn],
          }),
        ],
      }),
    },
  });
}
