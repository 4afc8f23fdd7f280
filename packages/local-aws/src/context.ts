import type { Clock, Logger } from '@cognito-passkeys/emulator-kit';
import { z } from 'zod';
import type { ResolvedConfig } from './config';
import { ServiceError } from './errors';
import type { ErrorCode } from './error-codes';
import type { LambdaRegistry } from './lambda';
import type { Store } from './store';
import type { TokenSigner } from './tokens';

/** What every operation handler gets. */
export interface Context {
  store: Store;
  signer: TokenSigner;
  lambdas: LambdaRegistry;
  config: ResolvedConfig;
  /** Structured records for the developer's console: never a secret, a code or a token. */
  log: Logger;
  /** The clock every expiry and timestamp reads. */
  now: Clock;
  /** Key of the local "KMS" that encrypts SecureString parameters at rest. */
  parameterKey: Buffer;
}

export type Operation = (ctx: Context, body: Record<string, unknown>) => unknown;

/** Validates a request body; a mismatch is the service's validation error naming the member. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  body: unknown,
  code: ErrorCode = 'InvalidParameterException',
): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const member = issue?.path.join('.') || 'request';
  throw new ServiceError(
    code,
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${issue?.message ?? 'invalid'}`,
  );
}

export const stringMap = z.record(z.string(), z.string());
