// The example CDK app. Settings come from context (`-c key=value`) or the environment:
//   corbadoProjectId / CORBADO_PROJECT_ID     the Corbado project (a placeholder is used for a plain synth)
//   sesFromEmail / SES_FROM_EMAIL             SES sender: enables email MFA on the new pool
//   existingUserPoolId / EXISTING_USER_POOL_ID attach to an existing pool instead of creating one
//   corbadoActionsPrincipal / CORBADO_ACTIONS_PRINCIPAL  the account ID or role ARN Corbado runs its actions
//                                              as, from Corbado's console (required unless corbadoActions=off)
//   actionsExternalId / CORBADO_ACTIONS_EXTERNAL_ID      the external ID the actions' role requires
//                                              (default: derived from the stack's UUID)
//   corbadoActions / CORBADO_ACTIONS           `off` creates no role for Corbado's actions
//   monitoring / CORBADO_PASSKEYS_MONITORING   `off` creates no dashboard and no alarms
//   alarmTopicArn / ALARM_TOPIC_ARN            an existing SNS topic the alarms report to
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { CorbadoPasskeysStack } from '../src/stack';

const app = new App();
const setting = (key: string, env: string): string | undefined =>
  (app.node.tryGetContext(key) as string | undefined) ?? process.env[env];

const existingUserPoolId = setting('existingUserPoolId', 'EXISTING_USER_POOL_ID');
const sesFromEmail = setting('sesFromEmail', 'SES_FROM_EMAIL');
const corbadoActionsPrincipal = setting('corbadoActionsPrincipal', 'CORBADO_ACTIONS_PRINCIPAL');
const actionsExternalId = setting('actionsExternalId', 'CORBADO_ACTIONS_EXTERNAL_ID');
const enableActions = setting('corbadoActions', 'CORBADO_ACTIONS') !== 'off';
const monitoring = setting('monitoring', 'CORBADO_PASSKEYS_MONITORING') !== 'off';
const alarmTopicArn = setting('alarmTopicArn', 'ALARM_TOPIC_ARN');

new CorbadoPasskeysStack(app, 'CognitoPasskeys', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  ...(existingUserPoolId ? { existingUserPoolId } : {}),
  ...(alarmTopicArn ? { alarmTopicArn } : {}),
  passkeys: {
    corbadoProjectId: setting('corbadoProjectId', 'CORBADO_PROJECT_ID') ?? 'pro-0000000000000000000',
    ...(sesFromEmail ? { sesEmail: { fromEmail: sesFromEmail } } : {}),
    enableActions,
    ...(corbadoActionsPrincipal ? { corbadoActionsPrincipal } : {}),
    ...(actionsExternalId ? { actionsExternalId } : {}),
    ...(monitoring ? {} : { monitoring: false as const }),
  },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
