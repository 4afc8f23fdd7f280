import { z } from 'zod';
import { customAttributeSchema, resolveFunctionName } from './config';
import { parseInput, type Context } from './context';
import { DEFAULT_PASSWORD_POLICY, requirePool, type PoolSettings } from './cognito-model';
import {
  CUSTOM_PREFIX,
  MAX_CUSTOM_ATTRIBUTES,
  customSchemaAttribute,
  type SchemaAttribute,
} from './cognito-schema';
import { invalidParameter } from './errors';
import { nowSeconds } from './ids';

// The operations that change an existing pool: UpdateUserPool (which, as in Cognito, replaces every
// setting it is given and resets the ones left out) and AddCustomAttributes.

/** The LambdaConfig triggers this server runs; the others are stored and described only. */
const RUN_TRIGGERS = new Set<string>([
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'PreSignUp',
  'PostConfirmation',
  'PreTokenGeneration',
]);

/** Every member of `LambdaConfigType` (Cognito API reference). */
const LAMBDA_CONFIG_KEYS = new Set([
  'PreSignUp',
  'CustomMessage',
  'PostConfirmation',
  'PreAuthentication',
  'PostAuthentication',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'PreTokenGeneration',
  'UserMigration',
  'PreTokenGenerationConfig',
  'CustomSMSSender',
  'CustomEmailSender',
  'KMSKeyID',
  'InboundFederation',
]);

/**
 * The UpdateUserPool members this server keeps as given and describes back (every member of
 * `UpdateUserPoolRequest` but `UserPoolId`, `LambdaConfig`, `MfaConfiguration` and `PoolName`, which it
 * acts on). `Policies.PasswordPolicy` is also acted on.
 */
const DESCRIBED_MEMBERS = [
  'Policies',
  'DeletionProtection',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'DcrConfiguration',
  'AccountRecoverySetting',
  'UserPoolTier',
  'KeyConfiguration',
  'IssuerConfiguration',
  'AcrConfiguration',
] as const;

/** A Lambda ARN of this server's region and account naming a registered function, or InvalidParameterException. */
function requireFunctionArn(ctx: Context, trigger: string, value: unknown): string {
  const arn = typeof value === 'string' ? value : '';
  const match = /^arn:aws[\w-]*:lambda:([^:]+):(\d{12}):function:[^:]+(?::[^:]+)?$/.exec(arn);
  if (match === null)
    throw invalidParameter(`LambdaConfig.${trigger}: ${arn || 'the value'} is not a Lambda function ARN.`);
  if (match[1] !== ctx.config.region || match[2] !== ctx.config.accountId || !ctx.lambdas.has(arn))
    throw invalidParameter(
      `LambdaConfig.${trigger}: the Lambda function ${resolveFunctionName(arn)} does not exist in ${ctx.config.region} of account ${ctx.config.accountId}.`,
    );
  return arn;
}

const passwordPolicyInput = z.object({
  MinimumLength: z.number().int().min(6).max(99).optional(),
  RequireUppercase: z.boolean().optional(),
  RequireLowercase: z.boolean().optional(),
  RequireNumbers: z.boolean().optional(),
  RequireSymbols: z.boolean().optional(),
  PasswordHistorySize: z.number().int().min(0).max(24).optional(),
  TemporaryPasswordValidityDays: z.number().int().min(0).max(365).optional(),
});

/**
 * UpdateUserPool, as Cognito does it: the request replaces the pool's settings, and every member it leaves
 * out goes back to its default (no triggers, MFA `OFF`, the default password policy, …), so a caller
 * must send back everything DescribeUserPool gave it. The name and tier stay when left out.
 */
export function updateUserPool(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1).max(55),
      PoolName: z.string().min(1).max(128).optional(),
      LambdaConfig: z.record(z.string(), z.unknown()).optional(),
      MfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).optional(),
      Policies: z
        .object({ PasswordPolicy: passwordPolicyInput.optional(), SignInPolicy: z.unknown().optional() })
        .optional(),
      DeletionProtection: z.enum(['ACTIVE', 'INACTIVE']).optional(),
      AutoVerifiedAttributes: z.array(z.enum(['email', 'phone_number'])).optional(),
      UserPoolTier: z.enum(['LITE', 'ESSENTIALS', 'PLUS']).optional(),
      UserPoolTags: z.record(z.string(), z.string()).optional(),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const lambdaConfig: Record<string, string> = {};
  const otherLambdaConfig: Record<string, unknown> = {};
  for (const [trigger, value] of Object.entries(input.LambdaConfig ?? {})) {
    if (!LAMBDA_CONFIG_KEYS.has(trigger)) throw invalidParameter(`LambdaConfig.${trigger} is not a trigger.`);
    if (RUN_TRIGGERS.has(trigger)) lambdaConfig[trigger] = requireFunctionArn(ctx, trigger, value);
    else otherLambdaConfig[trigger] = value;
  }
  const tokenConfig = otherLambdaConfig.PreTokenGenerationConfig as { LambdaArn?: unknown } | undefined;
  if (tokenConfig?.LambdaArn !== undefined)
    lambdaConfig.PreTokenGeneration = requireFunctionArn(
      ctx,
      'PreTokenGenerationConfig',
      tokenConfig.LambdaArn,
    );
  const given = input.Policies?.PasswordPolicy;
  const passwordPolicy =
    input.Policies === undefined
      ? DEFAULT_PASSWORD_POLICY
      : {
          minLength: given?.MinimumLength ?? 8,
          requireUppercase: given?.RequireUppercase ?? false,
          requireLowercase: given?.RequireLowercase ?? false,
          requireDigits: given?.RequireNumbers ?? false,
          requireSymbols: given?.RequireSymbols ?? false,
        };
  const described: Record<string, unknown> = {};
  for (const member of DESCRIBED_MEMBERS) if (body[member] !== undefined) described[member] = body[member];
  described.UserPoolTier ??= pool.settings.described?.UserPoolTier ?? 'ESSENTIALS';
  const settings: PoolSettings = {
    ...pool.settings,
    lambdaConfig,
    otherLambdaConfig,
    mfaConfiguration: input.MfaConfiguration ?? 'OFF',
    passwordPolicy,
    described,
    lastModifiedAt: nowSeconds(ctx),
  };
  ctx.store.putPool({
    id: pool.id,
    name: input.PoolName ?? pool.name,
    settings: JSON.stringify(settings),
    created_at: pool.createdAt,
  });
  return {};
}

/** AddCustomAttributes: new `custom:` attributes; an existing name, or more than 50 in all, is refused. */
export function addCustomAttributes(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1).max(55),
      CustomAttributes: z
        .array(
          z.object({
            Name: z.string().min(1).max(20),
            AttributeDataType: z.enum(['String', 'Number', 'DateTime', 'Boolean']).optional(),
            DeveloperOnlyAttribute: z.boolean().optional(),
            Mutable: z.boolean().optional(),
            Required: z.boolean().optional(),
            StringAttributeConstraints: z
              .object({ MinLength: z.string().optional(), MaxLength: z.string().optional() })
              .optional(),
            NumberAttributeConstraints: z
              .object({ MinValue: z.string().optional(), MaxValue: z.string().optional() })
              .optional(),
          }),
        )
        .min(1)
        .max(25),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const existing = pool.settings.customAttributes ?? [];
  const added: SchemaAttribute[] = [];
  for (const attribute of input.CustomAttributes) {
    if (attribute.Required === true)
      throw invalidParameter('Required custom attributes are not supported currently.');
    const limit = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    const parsed = customAttributeSchema.safeParse({
      name: attribute.Name,
      type: attribute.AttributeDataType,
      mutable: attribute.Mutable,
      minLength: limit(attribute.StringAttributeConstraints?.MinLength),
      maxLength: limit(attribute.StringAttributeConstraints?.MaxLength),
    });
    if (!parsed.success) throw invalidParameter(`Invalid custom attribute ${attribute.Name}.`);
    const described = customSchemaAttribute(parsed.data);
    if ([...existing, ...added].some((a) => a.Name === described.Name))
      throw invalidParameter(`Existing attribute already has name ${CUSTOM_PREFIX}${attribute.Name}.`);
    added.push(described);
  }
  if (existing.length + added.length > MAX_CUSTOM_ATTRIBUTES)
    throw invalidParameter(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
  ctx.store.putPool({
    id: pool.id,
    name: pool.name,
    settings: JSON.stringify({
      ...pool.settings,
      customAttributes: [...existing, ...added],
      lastModifiedAt: nowSeconds(ctx),
    } satisfies PoolSettings),
    created_at: pool.createdAt,
  });
  return {};
}
