// The actions' one configuration contract: the environment variables set in Corbado's console, named in
// `ACTION_ENV` (contract.ts), parsed once when the module loads. A mistake does not throw at import (the
// module would not load and Corbado would get no answer at all): it is kept, and every call answers in the
// documented shape and logs `config_invalid` with the names of the variables, never their values.
import * as z from 'zod/mini';

import { ACTION_ENV } from './contract';

/** `us-east-1_Abc123`: the region, an underscore, then letters and digits (Cognito's UserPoolId pattern). */
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** An IAM role ARN in any partition (aws, aws-cn, aws-us-gov); role paths allowed. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** STS's own constraint on ExternalId (AssumeRole API reference): 2–1224 characters of this set. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** 100 to 30000 (ms). */
const DEADLINE_MS = /^(?:[1-9]\d{2,3}|[12]\d{4}|30000)$/;
/** Well inside the few seconds a sign-in can wait, and over a cold AssumeRole plus two Cognito calls. */
export const DEFAULT_DEADLINE_MS = 2500;

export const MFA_METHODS = ['EMAIL_OTP', 'SMS'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

const commonShape = {
  [ACTION_ENV.userPoolId]: z
    .string()
    .check(z.regex(USER_POOL_ID, 'must be a user pool ID like us-east-1_Abc123')),
  [ACTION_ENV.assumeRoleArn]: z.string().check(z.regex(ROLE_ARN, 'must be an IAM role ARN')),
  [ACTION_ENV.externalId]: z
    .string()
    .check(z.regex(EXTERNAL_ID, 'must be 2-1224 characters of [\\w+=,.@:/-]')),
  [ACTION_ENV.region]: z.optional(z.string().check(z.regex(REGION, 'must be a region like us-east-1'))),
  [ACTION_ENV.deadlineMs]: z._default(
    z.string().check(z.regex(DEADLINE_MS, 'must be a whole number of milliseconds, 100 to 30000')),
    String(DEFAULT_DEADLINE_MS),
  ),
};

const preLoginSchema = z.object({
  ...commonShape,
  [ACTION_ENV.revealUnknownUser]: z._default(z.enum(['true', 'false']), 'false'),
});

const postAppendSchema = z.object({
  ...commonShape,
  [ACTION_ENV.postAppendMfaMethod]: z._default(z.enum(MFA_METHODS), 'EMAIL_OTP'),
});

/** What both actions need to reach Cognito. */
export interface CommonConfig {
  userPoolId: string;
  /** Where the Cognito and STS clients send their calls. */
  region: string;
  assumeRoleArn: string;
  externalId: string;
  /** The most one call may take, STS and Cognito together. */
  deadlineMs: number;
}

export interface PreLoginConfig extends CommonConfig {
  /** Answer an unknown identifier with a returned `user_not_found` and the guide's message (default: silent). */
  revealUnknownUser: boolean;
}

export interface PostAppendConfig extends CommonConfig {
  /** The MFA method turned on, as preferred, for a user who has none. */
  mfaMethod: MfaMethod;
}

/** A parsed configuration, or the names of the variables that are wrong (never their values). */
export type ConfigResult<C> = { ok: true; config: C } | { ok: false; invalidKeys: string[] };

type Env = Record<string, string | undefined>;

function parse<S extends z.ZodMiniObject>(schema: S, env: Env): ConfigResult<z.output<S>> {
  // An empty value counts as unset: consoles often keep a variable with nothing in it.
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key]?.trim() ? env[key].trim() : undefined]),
  );
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const invalidKeys = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
  return { ok: false, invalidKeys };
}

/**
 * The region Cognito and STS are called in: REGION when set, else the region the user pool ID names.
 * AWS_REGION is deliberately not consulted: in Corbado's runtime it is the region the action runs in, not
 * the customer's, and a Cognito call to any region but the pool's fails with ResourceNotFoundException.
 */
function regionOf(userPoolId: string, region: string | undefined): string {
  return region ?? (USER_POOL_ID.exec(userPoolId)?.[1] as string);
}

function common(parsed: z.output<typeof preLoginSchema | typeof postAppendSchema>): CommonConfig {
  const userPoolId = parsed[ACTION_ENV.userPoolId];
  return {
    userPoolId,
    region: regionOf(userPoolId, parsed[ACTION_ENV.region]),
    assumeRoleArn: parsed[ACTION_ENV.assumeRoleArn],
    externalId: parsed[ACTION_ENV.externalId],
    deadlineMs: Number(parsed[ACTION_ENV.deadlineMs]),
  };
}

/** pre-login's configuration from `env` (process.env in the action). */
export function parsePreLoginConfig(env: Env): ConfigResult<PreLoginConfig> {
  const result = parse(preLoginSchema, env);
  if (!result.ok) return result;
  return {
    ok: true,
    config: {
      ...common(result.config),
      revealUnknownUser: result.config[ACTION_ENV.revealUnknownUser] === 'true',
    },
  };
}

/** post-append's configuration from `env` (process.env in the action). */
export function parsePostAppendConfig(env: Env): ConfigResult<PostAppendConfig> {
  const result = parse(postAppendSchema, env);
  if (!result.ok) return result;
  return {
    ok: true,
    config: { ...common(result.config), mfaMethod: result.config[ACTION_ENV.postAppendMfaMethod] },
  };
}
