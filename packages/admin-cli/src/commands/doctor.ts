// `doctor`: every check one line, ✓ or ✗ with the fix. Secrets are read to test them, never printed.
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CorbadoBackendError, createCorbadoBackend } from '@cognito-passkeys/corbado-backend';
import { PASSKEY_MODES } from '@cognito-passkeys/deployment';

import { CALL_TIMEOUT_MS, describeAwsError, timeout, type AwsClients } from '../aws';
import { FAIL, OK, type Output } from '../output';
import { CUSTOM_AUTH_TRIGGERS } from '../pool-update';
import { describePool } from './attach';
import { readMode } from './mode';
import { describeClient } from './status';

export interface DoctorOptions {
  poolId: string;
  clientId: string;
  corbadoProjectId: string;
  corbadoBackendApiUrl: string;
  apiSecretParameter: string;
  modeParameter: string;
  actionRoleArn?: string;
  externalId?: string;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Runs each check, printing it as it completes; answers whether all passed. */
export async function doctor(aws: AwsClients, out: Output, options: DoctorOptions): Promise<boolean> {
  const checks: Check[] = [];
  const run = async (name: string, check: () => Promise<Omit<Check, 'name'>>) => {
    let result: Omit<Check, 'name'>;
    try {
      result = await check();
    } catch (error) {
      result = { ok: false, detail: describeAwsError(error) };
    }
    checks.push({ name, ...result });
    out.line(`${result.ok ? OK : FAIL} ${name}: ${result.detail}`);
    if (!result.ok && result.fix !== undefined) out.line(`    fix: ${result.fix}`);
  };

  let secret: string | undefined;
  await run('API secret parameter', async () => {
    try {
      const answer = await aws.ssm.send(
        new GetParameterCommand({ Name: options.apiSecretParameter, WithDecryption: true }),
        timeout(),
      );
      const value = answer.Parameter?.Value ?? '';
      if (value === '') return { ok: false, detail: `${options.apiSecretParameter} is empty` };
      secret = value;
      return {
        ok: answer.Parameter?.Type === 'SecureString',
        detail:
          answer.Parameter?.Type === 'SecureString'
            ? `${options.apiSecretParameter} exists and decrypts`
            : `${options.apiSecretParameter} is a ${answer.Parameter?.Type ?? 'parameter'}, not a SecureString`,
        fix: `aws ssm put-parameter --name ${options.apiSecretParameter} --type SecureString --overwrite --value <the API secret>`,
      };
    } catch (error) {
      return {
        ok: false,
        detail: describeAwsError(error),
        fix: `aws ssm put-parameter --name ${options.apiSecretParameter} --type SecureString --value <the API secret>`,
      };
    }
  });

  await run('Corbado Backend API', async () => {
    if (secret === undefined) return { ok: false, detail: 'not checked: no API secret to try' };
    const backend = createCorbadoBackend({
      baseUrl: options.corbadoBackendApiUrl,
      projectId: options.corbadoProjectId,
      apiSecret: secret,
      timeoutMs: CALL_TIMEOUT_MS,
    });
    // An authenticated call with a made-up login: any verdict, or a refusal of the input, means the
    // project ID and secret were accepted; only 401/403 means they were not.
    try {
      await backend.verifySignedPasskeyData({
        signedPasskeyData: 'eyJhbGciOiJub25lIn0.eyJkb2N0b3IiOnRydWV9.ZG9jdG9y',
        username: 'cognito-passkeys-doctor',
      });
    } catch (error) {
      if (!(error instanceof CorbadoBackendError) || error.code !== 'bad_request')
        return {
          ok: false,
          detail:
            error instanceof CorbadoBackendError
              ? `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}`
              : 'failed',
          fix:
            error instanceof CorbadoBackendError && error.code === 'unauthorized'
              ? `put project ${options.corbadoProjectId}'s current API secret into ${options.apiSecretParameter}`
              : `check the Backend API URL ${options.corbadoBackendApiUrl} and the network`,
        };
    }
    return {
      ok: true,
      detail: `${options.corbadoBackendApiUrl} accepts project ${options.corbadoProjectId}'s secret`,
    };
  });

  if (options.actionRoleArn !== undefined) {
    const roleArn = options.actionRoleArn;
    await run('action role', async () => {
      try {
        const answer = await aws.sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: 'cognito-passkeys-doctor',
            DurationSeconds: 900,
            ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
          }),
          timeout(),
        );
        return {
          ok: answer.Credentials?.AccessKeyId !== undefined,
          detail: `${roleArn} is assumable with its external ID`,
        };
      } catch (error) {
        return {
          ok: false,
          detail: describeAwsError(error),
          fix: "run with the credentials of the principal the role trusts, and check the trust policy's sts:ExternalId",
        };
      }
    });
  }

  await run('custom-auth triggers', async () => {
    const pool = await describePool(aws, options.poolId);
    const missing = CUSTOM_AUTH_TRIGGERS.filter((t) => pool.LambdaConfig?.[t] === undefined);
    return missing.length === 0
      ? { ok: true, detail: `all three set on ${options.poolId}` }
      : {
          ok: false,
          detail: `missing: ${missing.join(', ')}`,
          fix: `cognito-passkeys attach --user-pool-id ${options.poolId} --define-auth-challenge <arn> --create-auth-challenge <arn> --verify-auth-challenge-response <arn>`,
        };
  });

  await run('app client', async () => {
    const client = await describeClient(aws, options.poolId, options.clientId);
    const flows = client.ExplicitAuthFlows ?? [];
    return flows.includes('ALLOW_CUSTOM_AUTH')
      ? { ok: true, detail: `${options.clientId} allows ALLOW_CUSTOM_AUTH` }
      : {
          ok: false,
          detail: `${options.clientId} does not allow ALLOW_CUSTOM_AUTH (${flows.join(', ') || 'no flows'})`,
          fix: "add ALLOW_CUSTOM_AUTH to the client's ExplicitAuthFlows (UpdateUserPoolClient, sending back every other setting)",
        };
  });

  await run('passkey mode', async () => {
    const mode = await readMode(aws, options.modeParameter);
    if (mode.valid) return { ok: true, detail: `${options.modeParameter} = ${mode.value ?? ''}` };
    return {
      ok: false,
      detail:
        mode.value === null
          ? `${options.modeParameter} does not exist (reads as ${mode.effective})`
          : `${options.modeParameter} holds a value that is not a mode (reads as off)`,
      fix: `cognito-passkeys mode set <${PASSKEY_MODES.join('|')}> --passkey-mode-parameter ${options.modeParameter}`,
    };
  });

  const ok = checks.every((c) => c.ok);
  out.line(
    ok ? 'All checks passed.' : `${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed.`,
  );
  out.result({ ok, checks });
  return ok;
}
