// `attach` and `detach`: the custom-auth triggers on an existing pool, through the describe → update round
// trip that keeps every other setting, and the per-user block's custom attribute.
import {
  AddCustomAttributesCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSKEYS_BLOCKED_ATTRIBUTE } from '@cognito-passkeys/deployment';

import { timeout, type AwsClients } from '../aws';
import { CommandError, OK, type Output } from '../output';
import {
  CUSTOM_AUTH_TRIGGERS,
  diff,
  formatChange,
  updateInputFrom,
  type CustomAuthTrigger,
} from '../pool-update';

/** A Lambda function ARN (optionally with a version or alias), as Cognito's LambdaConfig takes it. */
export const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]{1,64}(?::[\w$-]+)?$/;

export async function describePool(aws: AwsClients, poolId: string): Promise<UserPoolType> {
  const answer = await aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }), timeout());
  if (answer.UserPool === undefined)
    throw new CommandError(`DescribeUserPool answered no pool for ${poolId}`);
  return answer.UserPool;
}

export const hasBlockAttribute = (pool: UserPoolType): boolean =>
  (pool.SchemaAttributes ?? []).some((a) => a.Name === PASSKEYS_BLOCKED_ATTRIBUTE.attribute);

export async function attach(
  aws: AwsClients,
  out: Output,
  options: { poolId: string; functions: Record<CustomAuthTrigger, string>; dryRun: boolean },
): Promise<void> {
  const pool = await describePool(aws, options.poolId);
  const current = pool.LambdaConfig ?? {};
  const conflicts = CUSTOM_AUTH_TRIGGERS.filter(
    (t) => current[t] !== undefined && current[t] !== options.functions[t],
  );
  if (conflicts.length > 0) {
    throw new CommandError(
      `the pool already has other custom-auth triggers; detach them first (or pass their ARNs):\n${conflicts
        .map((t) => `  ${t}: ${current[t]}`)
        .join('\n')}`,
      { conflicts: Object.fromEntries(conflicts.map((t) => [t, current[t]])) },
    );
  }
  const before = updateInputFrom(options.poolId, pool);
  const after = structuredClone(before);
  after.LambdaConfig = { ...after.LambdaConfig, ...options.functions };
  const changes = diff(before, after);
  const addAttribute = !hasBlockAttribute(pool);
  report(out, changes, addAttribute, options.dryRun);
  if (!options.dryRun) {
    if (addAttribute)
      await aws.cognito.send(
        new AddCustomAttributesCommand({
          UserPoolId: options.poolId,
          CustomAttributes: [
            {
              Name: PASSKEYS_BLOCKED_ATTRIBUTE.name,
              AttributeDataType: 'String',
              Mutable: true,
              StringAttributeConstraints: {
                MinLength: '0',
                MaxLength: String(PASSKEYS_BLOCKED_ATTRIBUTE.maxLength),
              },
            },
          ],
        }),
        timeout(),
      );
    if (changes.length > 0) await aws.cognito.send(new UpdateUserPoolCommand(after), timeout());
    await verify(aws, options.poolId, after);
    if (changes.length > 0 || addAttribute) out.line(`${OK} attached to ${options.poolId}`);
  }
  out.result({
    userPoolId: options.poolId,
    dryRun: options.dryRun,
    changed: changes.length > 0 || addAttribute,
    changes,
    addsCustomAttribute: addAttribute ? PASSKEYS_BLOCKED_ATTRIBUTE.attribute : null,
  });
}

export async function detach(
  aws: AwsClients,
  out: Output,
  options: { poolId: string; dryRun: boolean },
): Promise<void> {
  const pool = await describePool(aws, options.poolId);
  const before = updateInputFrom(options.poolId, pool);
  const after = structuredClone(before);
  const lambdaConfig = { ...after.LambdaConfig };
  for (const trigger of CUSTOM_AUTH_TRIGGERS) delete lambdaConfig[trigger];
  after.LambdaConfig = lambdaConfig;
  const changes = diff(before, after);
  report(out, changes, false, options.dryRun);
  if (!options.dryRun && changes.length > 0) {
    await aws.cognito.send(new UpdateUserPoolCommand(after), timeout());
    await verify(aws, options.poolId, after);
    out.line(`${OK} detached from ${options.poolId}`);
  }
  out.result({ userPoolId: options.poolId, dryRun: options.dryRun, changed: changes.length > 0, changes });
}

function report(out: Output, changes: ReturnType<typeof diff>, addAttribute: boolean, dryRun: boolean): void {
  if (changes.length === 0 && !addAttribute) {
    out.line('Nothing to change: the pool is already as asked.');
    return;
  }
  out.line(dryRun ? 'Would change (dry run, nothing is changed):' : 'Changing:');
  for (const change of changes) out.line(`  ${formatChange(change)}`);
  if (addAttribute)
    out.line(
      `  SchemaAttributes: add ${PASSKEYS_BLOCKED_ATTRIBUTE.attribute} (String, mutable, at most ${PASSKEYS_BLOCKED_ATTRIBUTE.maxLength} characters)`,
    );
  const other = changes.filter((c) => !c.path.startsWith('LambdaConfig.'));
  out.line(other.length === 0 ? '  Every other setting stays as described.' : '');
}

/** Describes the pool again: the three slots must hold what was sent. */
async function verify(
  aws: AwsClients,
  poolId: string,
  sent: ReturnType<typeof updateInputFrom>,
): Promise<void> {
  const now = updateInputFrom(poolId, await describePool(aws, poolId));
  // Only the three slots: Cognito may add derived entries (PreTokenGenerationConfig beside PreTokenGeneration).
  const slots = new Set(CUSTOM_AUTH_TRIGGERS.map((t) => `LambdaConfig.${t}`));
  const unexpected = diff(sent, now).filter((c) => slots.has(c.path));
  if (unexpected.length > 0)
    throw new CommandError(
      `the pool does not show the change just made:\n${unexpected.map((c) => `  ${formatChange(c)}`).join('\n')}`,
    );
}
