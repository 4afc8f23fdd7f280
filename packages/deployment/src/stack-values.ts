// Small mappings from the definition to what a stack writes: one value per environment key (the CDK
// construct and the local stack both start here), each function's environment, and the local-aws form of
// the functions, the pool and its client (plain objects in local-aws's config shape; no import of it).
import { ENV, ENV_DEFAULTS, HANDLER_NAMES, type EnvKey, type HandlerName } from './environment';
import { HANDLERS, TRIGGER_MAP } from './handlers';
import { PASSKEYS_BLOCKED_ATTRIBUTE } from './operations';
import { APP_CLIENT, PARAMETERS, USER_POOL } from './user-pool';

/** The settings a deployment chooses; everything else comes from the definition. */
export interface DeploymentSettings {
  corbadoProjectId: string;
  /** @default 'https://backendapi.cloud.corbado.io' */
  corbadoBackendApiUrl?: string;
  /** @default PARAMETERS.corbadoApiSecret */
  corbadoApiSecretParameter?: string;
  /** @default ENV_DEFAULTS */
  corbadoTimeoutMs?: number;
  maxPasskeyAttempts?: number;
  secretCacheSeconds?: number;
  /** @default PARAMETERS.passkeyMode */
  passkeyModeParameter?: string;
  passkeyModeCacheSeconds?: number;
}

/** One value per environment key, defaults filled in. */
export function environmentValues(settings: DeploymentSettings): Record<EnvKey, string> {
  return {
    [ENV.corbadoProjectId]: settings.corbadoProjectId,
    [ENV.corbadoBackendApiUrl]: settings.corbadoBackendApiUrl ?? 'https://backendapi.cloud.corbado.io',
    [ENV.corbadoApiSecretParameter]: settings.corbadoApiSecretParameter ?? PARAMETERS.corbadoApiSecret,
    [ENV.corbadoTimeoutMs]: String(settings.corbadoTimeoutMs ?? ENV_DEFAULTS[ENV.corbadoTimeoutMs]),
    [ENV.maxPasskeyAttempts]: String(settings.maxPasskeyAttempts ?? ENV_DEFAULTS[ENV.maxPasskeyAttempts]),
    [ENV.secretCacheSeconds]: String(settings.secretCacheSeconds ?? ENV_DEFAULTS[ENV.secretCacheSeconds]),
    [ENV.passkeyModeParameter]: settings.passkeyModeParameter ?? PARAMETERS.passkeyMode,
    [ENV.passkeyModeCacheSeconds]: String(
      settings.passkeyModeCacheSeconds ?? ENV_DEFAULTS[ENV.passkeyModeCacheSeconds],
    ),
  };
}

/** One function's environment: exactly the keys the definition gives it. */
export function environmentFor(handler: HandlerName, values: Record<EnvKey, string>): Record<string, string> {
  return Object.fromEntries(HANDLERS[handler].environment.map((key) => [key, values[key]]));
}

/** The trigger functions as local-aws's `functions`: the handler modules with the definition's figures. */
export function localFunctions(
  values: Record<EnvKey, string>,
  options: { accessKeyId?: string; modulePrefix?: string } = {},
): Record<
  HandlerName,
  {
    module: string;
    timeoutSeconds: number;
    memoryMb: number;
    environment: Record<string, string>;
    accessKeyId?: string;
  }
> {
  const prefix = options.modulePrefix ?? '@cognito-passkeys/cognito-triggers/handlers';
  return Object.fromEntries(
    HANDLER_NAMES.map((name) => [
      name,
      {
        module: `${prefix}/${name}`,
        timeoutSeconds: HANDLERS[name].timeoutSeconds,
        memoryMb: HANDLERS[name].memoryMb,
        environment: environmentFor(name, values),
        ...(options.accessKeyId === undefined ? {} : { accessKeyId: options.accessKeyId }),
      },
    ]),
  ) as ReturnType<typeof localFunctions>;
}

/** The pool and its web client as a local-aws `userPools` entry. */
export function localUserPool(ids: {
  poolId?: string;
  poolName: string;
  clientId?: string;
  clientName: string;
}) {
  return {
    ...(ids.poolId === undefined ? {} : { id: ids.poolId }),
    name: ids.poolName,
    usernameAttributes: [...USER_POOL.usernameAttributes],
    mfaConfiguration: USER_POOL.mfa,
    passwordPolicy: { ...USER_POOL.passwordPolicy },
    lambdaConfig: { ...TRIGGER_MAP },
    // The per-user block: only an administrator writes it (the client's write attributes leave it out).
    customAttributes: [
      {
        name: PASSKEYS_BLOCKED_ATTRIBUTE.name,
        type: 'String' as const,
        mutable: true,
        maxLength: PASSKEYS_BLOCKED_ATTRIBUTE.maxLength,
      },
    ],
    clients: [
      {
        ...(ids.clientId === undefined ? {} : { id: ids.clientId }),
        name: ids.clientName,
        explicitAuthFlows: [...APP_CLIENT.explicitAuthFlows],
        preventUserExistenceErrors: APP_CLIENT.preventUserExistenceErrors
          ? ('ENABLED' as const)
          : ('LEGACY' as const),
        authSessionValidity: APP_CLIENT.authSessionValidityMinutes,
        tokenValidity: {
          accessToken: APP_CLIENT.tokenValidity.accessTokenSeconds,
          idToken: APP_CLIENT.tokenValidity.idTokenSeconds,
          refreshToken: APP_CLIENT.tokenValidity.refreshTokenSeconds,
        },
        writeAttributes: [...APP_CLIENT.writeAttributes],
      },
    ],
  };
}
