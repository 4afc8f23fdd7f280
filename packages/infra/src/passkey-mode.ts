// The kill switch: the SSM String parameter holding the passkey mode, created with the definition's first
// value and a pattern that admits only the modes, and the one read grant its readers get.
import { DEFAULT_PASSKEY_MODE, PASSKEY_MODES } from '@cognito-passkeys/deployment';
import { Arn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

import { CorbadoPasskeysConfigError } from './errors';

/**
 * The parameter's `AllowedPattern`: exactly one of the modes, nothing around it. SSM refuses a
 * `PutParameter` whose value does not match, so a typo cannot be written (the readers would treat it as
 * `off` anyway). The modes are plain words (letters and `-`), so they need no escaping.
 */
export const PASSKEY_MODE_PATTERN = `^(${PASSKEY_MODES.join('|')})$`;

// SSM: letters, digits and `_.-/`; a path's segments are separated by single slashes; names may not begin
// with `aws` or `ssm` (API reference, PutParameter `Name`). The construct needs a literal: the name goes
// into an ARN, a function's environment and the app's configuration.
const PARAMETER_NAME = /^(\/[\w.-]+)+$|^[\w.-]+$/;
const RESERVED_PREFIX = /^\/?(aws|ssm)/i;
const MAX_PARAMETER_NAME_LENGTH = 1011;

export function checkParameterName(name: string): void {
  if (
    Token.isUnresolved(name) ||
    name.length > MAX_PARAMETER_NAME_LENGTH ||
    !PARAMETER_NAME.test(name) ||
    RESERVED_PREFIX.test(name)
  ) {
    throw new CorbadoPasskeysConfigError(
      'invalid_parameter_name',
      `CorbadoPasskeys: passkeyModeParameterName ${JSON.stringify(name)} is not an SSM parameter name ` +
        '(a literal of letters, digits and _.-/, such as /cognito-passkeys/passkey-mode)',
    );
  }
}

/** The parameter, written once with `DEFAULT_PASSKEY_MODE`; a later deploy leaves a flipped value alone. */
export function createPasskeyModeParameter(scope: Construct, parameterName: string): ssm.StringParameter {
  return new ssm.StringParameter(scope, 'PasskeyMode', {
    parameterName,
    stringValue: DEFAULT_PASSKEY_MODE,
    allowedPattern: PASSKEY_MODE_PATTERN,
    tier: ssm.ParameterTier.STANDARD,
    description: `The passkey mode (${PASSKEY_MODES.join(' | ')}): the kill switch of passkey sign-in`,
  });
}

/** The ARN of one parameter by its name, with or without the leading slash. */
export function parameterArn(scope: Construct, parameterName: string): string {
  return Arn.format(
    { service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') },
    Stack.of(scope),
  );
}

/** `ssm:GetParameter` on that one parameter: what reading the mode needs, and nothing more. */
export function grantParameterGet(
  scope: Construct,
  grantee: iam.IGrantable,
  parameterName: string,
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['ssm:GetParameter'],
    resourceArns: [parameterArn(scope, parameterName)],
  });
}
