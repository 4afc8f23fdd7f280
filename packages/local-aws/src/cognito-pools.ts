import { z } from 'zod';
import { clientSchema, poolSchema, type ClientConfig, type PoolConfig } from './config';
import { parseInput, type Context } from './context';
import type { toClient } from './cognito-model';
import {
  DEFAULT_PASSWORD_POLICY,
  requireClient,
  requirePool,
  toPool,
  type ClientSettings,
  type Pool,
  type PoolSettings,
} from './cognito-model';
import { customSchemaAttribute, schemaOf, writeAttributesOf, type SchemaAttribute } from './cognito-schema';
import { ServiceError, invalidParameter } from './errors';
import { newClientId, newPoolId, nowSeconds } from './ids';

/**
 * A pool's settings from the config. Custom attributes added since (AddCustomAttributes) are kept, as
 * Cognito can never remove one; the config's own win on a name both have.
 */
function poolSettings(ctx: Context, config: PoolConfig, kept: SchemaAttribute[] = []): PoolSettings {
  const configured = config.customAttributes.map(customSchemaAttribute);
  const names = new Set(configured.map((a) => a.Name));
  return {
    region: ctx.config.region,
    usernameAttributes: config.usernameAttributes ?? [],
    aliasAttributes: config.aliasAttributes ?? [],
    mfaConfiguration: config.mfaConfiguration,
    lambdaConfig: config.lambdaConfig ?? {},
    ...(config.passwordPolicy === undefined ? {} : { passwordPolicy: config.passwordPolicy }),
    customAttributes: [...kept.filter((a) => !names.has(a.Name)), ...configured],
  };
}

function clientSettings(config: ClientConfig): ClientSettings {
  const { id: _id, name: _name, ...settings } = config;
  return settings;
}

/**
 * Seeds the config's pools and clients. Idempotent across restarts with the same data dir: a pool is found
 * by its configured ID or name, a client by ID or name, so their generated IDs stay the same.
 */
export function seedPools(ctx: Context): void {
  for (const config of ctx.config.userPools) {
    const existing =
      config.id !== undefined ? ctx.store.getPool(config.id) : ctx.store.findPoolByName(config.name);
    const id = existing?.id ?? config.id ?? newPoolId(ctx.config.region);
    const kept = existing === undefined ? [] : (toPool(existing).settings.customAttributes ?? []);
    ctx.store.putPool({
      id,
      name: config.name,
      settings: JSON.stringify(poolSettings(ctx, config, kept)),
      created_at: existing?.created_at ?? nowSeconds(ctx),
    });
    for (const client of config.clients) {
      const found =
        client.id !== undefined
          ? ctx.store.getClient(client.id)
          : ctx.store.findClientByName(id, client.name);
      ctx.store.putClient({
        id: found?.id ?? client.id ?? newClientId(),
        pool_id: id,
        name: client.name,
        settings: JSON.stringify(clientSettings(client)),
        created_at: found?.created_at ?? nowSeconds(ctx),
      });
    }
  }
}

/** A trigger's function as Cognito names it: the Lambda ARN (a configured name becomes this account's ARN). */
function functionArn(ctx: Context, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:lambda:${ctx.config.region}:${ctx.config.accountId}:function:${nameOrArn}`;
}

/** The pool's LambdaConfig as DescribeUserPool answers it: ARNs, and the entries stored as given. */
function describeLambdaConfig(ctx: Context, pool: Pool): Record<string, unknown> {
  const triggers = Object.entries(pool.settings.lambdaConfig).filter(([, fn]) => fn !== undefined);
  return {
    ...(pool.settings.otherLambdaConfig ?? {}),
    ...Object.fromEntries(triggers.map(([trigger, fn]) => [trigger, functionArn(ctx, fn)])),
  };
}

function describePool(ctx: Context, pool: Pool): Record<string, unknown> {
  const policy = pool.settings.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
  const described = pool.settings.described ?? { AutoVerifiedAttributes: ['email'] };
  const policies = (described.Policies ?? {}) as { PasswordPolicy?: Record<string, unknown> };
  return {
    DeletionProtection: 'INACTIVE',
    UserPoolTier: 'ESSENTIALS',
    ...described,
    Id: pool.id,
    Name: pool.name,
    Arn: `arn:aws:cognito-idp:${pool.settings.region}:${ctx.config.accountId}:userpool/${pool.id}`,
    CreationDate: pool.createdAt,
    LastModifiedDate: pool.settings.lastModifiedAt ?? pool.createdAt,
    Policies: {
      ...policies,
      PasswordPolicy: {
        TemporaryPasswordValidityDays: 7,
        ...policies.PasswordPolicy,
        MinimumLength: policy.minLength,
        RequireUppercase: policy.requireUppercase,
        RequireLowercase: policy.requireLowercase,
        RequireNumbers: policy.requireDigits,
        RequireSymbols: policy.requireSymbols,
      },
    },
    LambdaConfig: describeLambdaConfig(ctx, pool),
    SchemaAttributes: schemaOf(pool),
    MfaConfiguration: pool.settings.mfaConfiguration,
    ...(pool.settings.usernameAttributes.length > 0
      ? { UsernameAttributes: pool.settings.usernameAttributes }
      : {}),
    ...(pool.settings.aliasAttributes.length > 0 ? { AliasAttributes: pool.settings.aliasAttributes } : {}),
    UsernameConfiguration: { CaseSensitive: false },
    EstimatedNumberOfUsers: ctx.store.listUsers(pool.id).length,
  };
}

export function createUserPool(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      PoolName: z.string().min(1).max(128),
      UsernameAttributes: z.array(z.enum(['email', 'phone_number'])).optional(),
      AliasAttributes: z.array(z.enum(['email', 'phone_number', 'preferred_username'])).optional(),
      MfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).optional(),
      LambdaConfig: z.record(z.string(), z.unknown()).optional(),
    }),
    body,
  );
  const lambdaConfig: Record<string, string> = {};
  for (const [trigger, fn] of Object.entries(input.LambdaConfig ?? {})) {
    if (typeof fn !== 'string') continue;
    if (!ctx.lambdas.has(fn))
      throw invalidParameter(`Lambda function ${fn} is not in the local function registry.`);
    lambdaConfig[trigger] = fn;
  }
  const config = poolSchema.parse({
    name: input.PoolName,
    usernameAttributes: input.UsernameAttributes,
    aliasAttributes: input.AliasAttributes,
    mfaConfiguration: input.MfaConfiguration,
    lambdaConfig,
  });
  const pool: Pool = {
    id: newPoolId(ctx.config.region),
    name: input.PoolName,
    createdAt: nowSeconds(ctx),
    settings: poolSettings(ctx, config),
  };
  ctx.store.putPool({
    id: pool.id,
    name: pool.name,
    settings: JSON.stringify(pool.settings),
    created_at: pool.createdAt,
  });
  return { UserPool: describePool(ctx, pool) };
}

export function describeUserPool(ctx: Context, body: Record<string, unknown>): unknown {
  return { UserPool: describePool(ctx, requirePool(ctx.store, body.UserPoolId)) };
}

export function listUserPools(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ MaxResults: z.number().int().min(1).max(60), NextToken: z.string().optional() }),
    body,
  );
  const pools = ctx.store.listPools().map(toPool);
  const offset =
    input.NextToken === undefined ? 0 : Number(Buffer.from(input.NextToken, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) throw invalidParameter('Invalid NextToken.');
  const page = pools.slice(offset, offset + input.MaxResults);
  return {
    UserPools: page.map((p) => ({
      Id: p.id,
      Name: p.name,
      LambdaConfig: p.settings.lambdaConfig,
      CreationDate: p.createdAt,
      LastModifiedDate: p.createdAt,
    })),
    ...(offset + input.MaxResults < pools.length
      ? { NextToken: Buffer.from(String(offset + input.MaxResults)).toString('base64url') }
      : {}),
  };
}

function describeClient(pool: Pool, client: ReturnType<typeof toClient>): Record<string, unknown> {
  const s = client.settings;
  return {
    WriteAttributes: writeAttributesOf(pool, client),
    UserPoolId: client.poolId,
    ClientName: client.name,
    ClientId: client.id,
    CreationDate: client.createdAt,
    LastModifiedDate: client.createdAt,
    ExplicitAuthFlows: s.explicitAuthFlows,
    PreventUserExistenceErrors: s.preventUserExistenceErrors,
    AuthSessionValidity: s.authSessionValidity,
    AccessTokenValidity: s.tokenValidity.accessToken,
    IdTokenValidity: s.tokenValidity.idToken,
    RefreshTokenValidity: s.tokenValidity.refreshToken,
    TokenValidityUnits: { AccessToken: 'seconds', IdToken: 'seconds', RefreshToken: 'seconds' },
    EnableTokenRevocation: true,
  };
}

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

export function createUserPoolClient(ctx: Context, body: Record<string, unknown>): unknown {
  const unit = z.enum(['seconds', 'minutes', 'hours', 'days']).optional();
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1),
      ClientName: z.string().min(1).max(128),
      GenerateSecret: z.boolean().optional(),
      ExplicitAuthFlows: z.array(z.string()).optional(),
      PreventUserExistenceErrors: z.enum(['ENABLED', 'LEGACY']).optional(),
      AuthSessionValidity: z.number().int().optional(),
      AccessTokenValidity: z.number().int().positive().optional(),
      IdTokenValidity: z.number().int().positive().optional(),
      RefreshTokenValidity: z.number().int().positive().optional(),
      TokenValidityUnits: z.object({ AccessToken: unit, IdToken: unit, RefreshToken: unit }).optional(),
      WriteAttributes: z.array(z.string().min(1).max(32)).optional(),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  if (input.GenerateSecret === true) throw invalidParameter('local-aws does not support client secrets.');
  const units = input.TokenValidityUnits ?? {};
  const seconds = (
    value: number | undefined,
    u: keyof typeof UNIT_SECONDS | undefined,
    fallback: keyof typeof UNIT_SECONDS,
  ) => (value === undefined ? undefined : value * UNIT_SECONDS[u ?? fallback]);
  const parsed = clientSchema.safeParse({
    name: input.ClientName,
    explicitAuthFlows: input.ExplicitAuthFlows,
    preventUserExistenceErrors: input.PreventUserExistenceErrors,
    authSessionValidity: input.AuthSessionValidity,
    writeAttributes: input.WriteAttributes,
    tokenValidity: {
      accessToken: seconds(input.AccessTokenValidity, units.AccessToken, 'hours'),
      idToken: seconds(input.IdTokenValidity, units.IdToken, 'hours'),
      refreshToken: seconds(input.RefreshTokenValidity, units.RefreshToken, 'days'),
    },
  });
  if (!parsed.success)
    throw invalidParameter(`Invalid client settings at ${parsed.error.issues[0]?.path.join('.') ?? '?'}.`);
  const client = {
    id: newClientId(),
    poolId: pool.id,
    name: input.ClientName,
    createdAt: nowSeconds(ctx),
    settings: clientSettings(parsed.data),
  };
  ctx.store.putClient({
    id: client.id,
    pool_id: pool.id,
    name: client.name,
    settings: JSON.stringify(client.settings),
    created_at: client.createdAt,
  });
  return { UserPoolClient: describeClient(pool, client) };
}

export function describeUserPoolClient(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), ClientId: z.string().min(1) }), body);
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  if (client.poolId !== input.UserPoolId)
    throw new ServiceError('ResourceNotFoundException', `User pool client ${input.ClientId} does not exist.`);
  return { UserPoolClient: describeClient(pool, client) };
}

export function listUserPoolClients(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ UserPoolId: z.string().min(1), MaxResults: z.number().int().min(1).max(60).optional() }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  return {
    UserPoolClients: ctx.store
      .listClients(pool.id)
      .slice(0, input.MaxResults ?? 60)
      .map((c) => ({ ClientId: c.id, ClientName: c.name, UserPoolId: c.pool_id })),
  };
}
