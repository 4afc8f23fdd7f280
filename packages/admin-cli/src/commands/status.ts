// `status`: what is wired on a pool (the triggers, the block attribute), the client's auth flows and write
// attributes, and the kill switch's value.
import {
  DescribeUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSKEYS_BLOCKED_ATTRIBUTE } from '@cognito-passkeys/deployment';

import { timeout, type AwsClients } from '../aws';
import { FAIL, OK, WARN, type Output } from '../output';
import { CUSTOM_AUTH_TRIGGERS } from '../pool-update';
import { describePool, hasBlockAttribute } from './attach';
import { describeMode, readMode } from './mode';

export async function describeClient(
  aws: AwsClients,
  poolId: string,
  clientId: string,
): Promise<UserPoolClientType> {
  const answer = await aws.cognito.send(
    new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
    timeout(),
  );
  return answer.UserPoolClient ?? {};
}

/**
 * Whether users of the client can write the block attribute themselves: Cognito lets a client without
 * `WriteAttributes` write every attribute.
 */
export const usersCanUnblock = (client: UserPoolClientType): boolean =>
  client.WriteAttributes === undefined ||
  client.WriteAttributes.length === 0 ||
  client.WriteAttributes.includes(PASSKEYS_BLOCKED_ATTRIBUTE.attribute);

export async function status(
  aws: AwsClients,
  out: Output,
  options: { poolId: string; clientId?: string; modeParameter: string },
): Promise<void> {
  const pool = await describePool(aws, options.poolId);
  const triggers = Object.fromEntries(CUSTOM_AUTH_TRIGGERS.map((t) => [t, pool.LambdaConfig?.[t] ?? null]));
  out.line(`User pool ${options.poolId}${pool.Name === undefined ? '' : ` (${pool.Name})`}`);
  for (const [trigger, arn] of Object.entries(triggers))
    out.line(`  ${arn === null ? FAIL : OK} ${trigger}: ${arn ?? 'missing'}`);
  const blockAttribute = hasBlockAttribute(pool);
  out.line(
    `  ${blockAttribute ? OK : FAIL} ${PASSKEYS_BLOCKED_ATTRIBUTE.attribute}: ${blockAttribute ? 'in the schema' : 'missing (attach adds it)'}`,
  );

  let client: Record<string, unknown> | null = null;
  if (options.clientId !== undefined) {
    const described = await describeClient(aws, options.poolId, options.clientId);
    const flows = described.ExplicitAuthFlows ?? [];
    const customAuth = flows.includes('ALLOW_CUSTOM_AUTH');
    const unblock = usersCanUnblock(described);
    out.line(
      `App client ${options.clientId}${described.ClientName === undefined ? '' : ` (${described.ClientName})`}`,
    );
    out.line(`  ${customAuth ? OK : FAIL} auth flows: ${flows.join(', ') || '(none)'}`);
    out.line(
      unblock
        ? `  ${WARN} write attributes: ${described.WriteAttributes?.join(', ') || 'every attribute'}: users can write ${PASSKEYS_BLOCKED_ATTRIBUTE.attribute} and unblock themselves`
        : `  ${OK} write attributes: ${described.WriteAttributes?.join(', ')}`,
    );
    if (!blockAttribute && !unblock)
      out.line(
        `    (${PASSKEYS_BLOCKED_ATTRIBUTE.attribute} is not in the pool yet: keep it out of WriteAttributes once attach adds it)`,
      );
    client = {
      clientId: options.clientId,
      explicitAuthFlows: flows,
      allowsCustomAuth: customAuth,
      writeAttributes: described.WriteAttributes ?? null,
      usersCanWriteBlockAttribute: unblock,
    };
  }

  const mode = await readMode(aws, options.modeParameter);
  out.line(`Passkey mode: ${describeMode(mode)}`);
  out.result({
    userPoolId: options.poolId,
    triggers,
    blockAttribute,
    client,
    passkeyMode: mode,
  });
}
