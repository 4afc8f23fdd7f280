// `npx cognito-passkeys <command>`: attach the triggers to a pool, check a deployment, flip the kill switch,
// block a user. Exit codes: 0 done, 1 failed or refused, 2 a usage mistake.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { PARAMETERS, PASSKEY_MODES, parsePasskeyMode } from '@cognito-passkeys/deployment';

import { awsClients, describeAwsError, type AwsClients } from './aws';
import { attach, detach, LAMBDA_ARN } from './commands/attach';
import { block, unblock } from './commands/block';
import { doctor } from './commands/doctor';
import { modeGet, modeSet } from './commands/mode';
import { status } from './commands/status';
import { CommandError, output, processIo, UsageError, type Io, type Output } from './output';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  region: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};
const COMMON_HELP = `  --region <region>   AWS region (default: AWS_REGION / the SDK's default chain)
  --json              print one JSON document for scripts
  -h, --help          this help`;

interface Command {
  usage: string;
  options: Options;
  positionals?: number;
  run(
    aws: AwsClients,
    out: Output,
    values: Record<string, string | boolean | undefined>,
    positionals: string[],
  ): Promise<boolean | void>;
}

const str = (values: Record<string, string | boolean | undefined>, name: string): string => {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
};
const optional = (values: Record<string, string | boolean | undefined>, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const arn = (values: Record<string, string | boolean | undefined>, name: string): string => {
  const value = str(values, name);
  if (!LAMBDA_ARN.test(value))
    throw new UsageError(
      `--${name} must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)`,
    );
  return value;
};
const modeParameter = (values: Record<string, string | boolean | undefined>) =>
  optional(values, 'passkey-mode-parameter') ?? PARAMETERS.passkeyMode;

const MODE_PARAMETER_HELP = `  --passkey-mode-parameter <name>   the kill switch's SSM parameter (default ${PARAMETERS.passkeyMode})`;

const COMMANDS: Record<string, Command> = {
  attach: {
    usage: `cognito-passkeys attach --user-pool-id <id> --define-auth-challenge <arn>
    --create-auth-challenge <arn> --verify-auth-challenge-response <arn> [--dry-run]

Sets the three custom-auth triggers on an existing pool, keeping every other setting (UpdateUserPool resets
what it is not sent, so the request is built from DescribeUserPool), and adds the custom attribute
custom:passkeys_blocked when missing. Refuses when a slot holds another function; does nothing when the
triggers are already these.

  --dry-run           print what would change, change nothing`,
    options: {
      'user-pool-id': { type: 'string' },
      'define-auth-challenge': { type: 'string' },
      'create-auth-challenge': { type: 'string' },
      'verify-auth-challenge-response': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    run: (aws, out, v) =>
      attach(aws, out, {
        poolId: str(v, 'user-pool-id'),
        functions: {
          DefineAuthChallenge: arn(v, 'define-auth-challenge'),
          CreateAuthChallenge: arn(v, 'create-auth-challenge'),
          VerifyAuthChallengeResponse: arn(v, 'verify-auth-challenge-response'),
        },
        dryRun: v['dry-run'] === true,
      }),
  },
  detach: {
    usage: `cognito-passkeys detach --user-pool-id <id> [--dry-run]

Removes the three custom-auth triggers, keeping every other setting (the same round trip as attach).
The custom attribute stays: Cognito cannot remove one.

  --dry-run           print what would change, change nothing`,
    options: { 'user-pool-id': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    run: (aws, out, v) => detach(aws, out, { poolId: str(v, 'user-pool-id'), dryRun: v['dry-run'] === true }),
  },
  status: {
    usage: `cognito-passkeys status --user-pool-id <id> [--client-id <id>] [--passkey-mode-parameter <name>]

What is wired: the three triggers (ARNs or missing), the block attribute, the client's auth flows and
write attributes (warns when users could write custom:passkeys_blocked), and the kill switch's value.

${MODE_PARAMETER_HELP}`,
    options: {
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string' },
      'passkey-mode-parameter': { type: 'string' },
    },
    run: (aws, out, v) => {
      const clientId = optional(v, 'client-id');
      return status(aws, out, {
        poolId: str(v, 'user-pool-id'),
        ...(clientId === undefined ? {} : { clientId }),
        modeParameter: modeParameter(v),
      });
    },
  },
  doctor: {
    usage: `cognito-passkeys doctor --user-pool-id <id> --client-id <id> --corbado-project-id <pro-…>
    --corbado-backend-api-url <url> [--api-secret-parameter <name>] [--passkey-mode-parameter <name>]
    [--action-role-arn <arn> --external-id <id>]

Checks a deployment, one line each with the fix: the API secret parameter exists and decrypts (its value
is never printed), the Backend API accepts it, the action role is assumable with its external ID (with
the credentials of the principal it trusts), the triggers are set, the client allows ALLOW_CUSTOM_AUTH,
and the kill switch holds a valid mode. Exit code 1 when any check fails.

  --api-secret-parameter <name>     default ${PARAMETERS.corbadoApiSecret}
${MODE_PARAMETER_HELP}`,
    options: {
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string' },
      'corbado-project-id': { type: 'string' },
      'corbado-backend-api-url': { type: 'string' },
      'api-secret-parameter': { type: 'string' },
      'passkey-mode-parameter': { type: 'string' },
      'action-role-arn': { type: 'string' },
      'external-id': { type: 'string' },
    },
    run: (aws, out, v) => {
      const actionRoleArn = optional(v, 'action-role-arn');
      const externalId = optional(v, 'external-id');
      if ((actionRoleArn === undefined) !== (externalId === undefined))
        throw new UsageError('--action-role-arn and --external-id go together');
      return doctor(aws, out, {
        poolId: str(v, 'user-pool-id'),
        clientId: str(v, 'client-id'),
        corbadoProjectId: str(v, 'corbado-project-id'),
        corbadoBackendApiUrl: str(v, 'corbado-backend-api-url'),
        apiSecretParameter: optional(v, 'api-secret-parameter') ?? PARAMETERS.corbadoApiSecret,
        modeParameter: modeParameter(v),
        ...(actionRoleArn === undefined ? {} : { actionRoleArn }),
        ...(externalId === undefined ? {} : { externalId }),
      });
    },
  },
  block: {
    usage: `cognito-passkeys block --user-pool-id <id> --username <name> [--keep-sessions]

Blocks a user's passkey sign-in (custom:passkeys_blocked=true; password sign-in is unaffected) and signs
the user out everywhere (AdminUserGlobalSignOut).

  --keep-sessions     do not sign the user out`,
    options: {
      'user-pool-id': { type: 'string' },
      username: { type: 'string' },
      'keep-sessions': { type: 'boolean', default: false },
    },
    run: (aws, out, v) =>
      block(aws, out, {
        poolId: str(v, 'user-pool-id'),
        username: str(v, 'username'),
        keepSessions: v['keep-sessions'] === true,
      }),
  },
  unblock: {
    usage: `cognito-passkeys unblock --user-pool-id <id> --username <name>

Allows a blocked user's passkey sign-in again (removes custom:passkeys_blocked).`,
    options: { 'user-pool-id': { type: 'string' }, username: { type: 'string' } },
    run: (aws, out, v) => unblock(aws, out, { poolId: str(v, 'user-pool-id'), username: str(v, 'username') }),
  },
  mode: {
    usage: `cognito-passkeys mode get [--passkey-mode-parameter <name>]
cognito-passkeys mode set <${PASSKEY_MODES.join('|')}> [--passkey-mode-parameter <name>]

Reads or sets the kill switch. on: passkey login and append; login-only: no new passkeys; append-only:
passkeys may be created, sign-in by password; off: passwords only. The triggers and the app read it again
within PASSKEY_MODE_CACHE_SECONDS; no deploy.

${MODE_PARAMETER_HELP}`,
    options: { 'passkey-mode-parameter': { type: 'string' } },
    positionals: 2,
    run: (aws, out, v, positionals) => {
      const [action, value] = positionals;
      if (action === 'get' && value === undefined) return modeGet(aws, out, modeParameter(v));
      if (action === 'set') {
        const mode = parsePasskeyMode(value);
        if (mode === undefined || value !== mode)
          throw new UsageError(`mode set takes one of ${PASSKEY_MODES.join(', ')}`);
        return modeSet(aws, out, modeParameter(v), mode);
      }
      throw new UsageError('mode takes get, or set <mode>');
    },
  },
};

const OVERVIEW = `cognito-passkeys: operate passkey sign-in for a Cognito user pool

Commands:
  attach     set the custom-auth triggers on an existing pool (keeps every other setting)
  detach     remove them
  status     what is wired, the client's flows and write attributes, the kill switch
  doctor     check a deployment end to end, with fixes
  block      block a user's passkey sign-in (and sign them out)
  unblock    allow it again
  mode       get or set the kill switch (on, login-only, append-only, off)

Run cognito-passkeys <command> --help for its options. AWS credentials and region come from the SDK's
default chain; AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, _SSM, _STS) points it
elsewhere, e.g. at the local stack.
`;

const helpOf = (command: Command) => `Usage: ${command.usage}\n${COMMON_HELP}\n`;

/** Runs one command line; answers the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(OVERVIEW);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`cognito-passkeys: unknown command ${JSON.stringify(name)}\n\n${OVERVIEW}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON, ...command.options },
      allowPositionals: command.positionals !== undefined,
      strict: true,
    });
    if (parsed.positionals.length > (command.positionals ?? 0))
      throw new UsageError(`too many arguments: ${parsed.positionals.join(' ')}`);
  } catch (error) {
    io.stderr(
      `cognito-passkeys ${name}: ${error instanceof Error ? error.message : 'bad arguments'}\n\n${helpOf(command)}`,
    );
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    io.stdout(helpOf(command));
    return 0;
  }
  const out = output(io, values.json === true);
  const aws = awsClients(optional(values, 'region'));
  try {
    const passed = await command.run(aws, out, values, parsed.positionals);
    return passed === false ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cognito-passkeys ${name}: ${error.message}\n\n${helpOf(command)}`);
      return 2;
    }
    const message = error instanceof CommandError ? error.message : describeAwsError(error);
    if (out.json)
      io.stdout(
        `${JSON.stringify({ ok: false, error: message, ...(error instanceof CommandError ? error.details : {}) }, null, 2)}\n`,
      );
    io.stderr(`cognito-passkeys ${name}: ${message}\n`);
    return 1;
  } finally {
    aws.destroy();
  }
}
