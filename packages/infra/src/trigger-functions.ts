// The trigger functions: bundled from the handlers, with the definition's timeout, memory and exactly the
// environment keys each is given; one role each, logging to its own group, the verify trigger reading its
// one parameter and define-auth-challenge the passkey mode.
import { HANDLERS, REPO_ROOT, triggerEntry, type HandlerName } from '@cognito-passkeys/deployment';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';

import { TRIGGER_BUNDLING } from './bundling';
import { parameterArn } from './passkey-mode';

export function createTriggerFunction(
  scope: Construct,
  handler: HandlerName,
  environment: Record<string, string>,
  retention: logs.RetentionDays,
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${handler}-logs`, {
    retention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An explicit role instead of the managed AWSLambdaBasicExecutionRole: logs to this group only.
  const role = new iam.Role(scope, `${handler}-role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the ${handler} function`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  const fn = new NodejsFunction(scope, handler, {
    entry: triggerEntry(handler),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: HANDLERS[handler].memoryMb,
    timeout: Duration.seconds(HANDLERS[handler].timeoutSeconds),
    role,
    logGroup,
    environment,
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    bundling: TRIGGER_BUNDLING,
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions::AwsSolutions-L1',
    reason:
      'Node.js 22 is pinned on purpose: it is the runtime the handlers are built and tested for; raise it together with the tests.',
  });
  return fn;
}

/** `ssm:GetParameter` on exactly one parameter, and `kms:Decrypt` through SSM when a customer key is used. */
export function grantParameterRead(
  fn: NodejsFunction,
  parameterName: string,
  key: kms.IKey | undefined,
): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn(fn, parameterName)] }),
  );
  if (key) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}
