import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseInput, type Context } from './context';
import { ServiceError } from './errors';
import type { ParameterRow } from './store';

/**
 * SSM Parameter Store: GetParameter, GetParameters, PutParameter. SecureString values are encrypted at rest
 * with the data dir's key (a local stand-in for the KMS key); without `WithDecryption` the caller gets that
 * ciphertext, as from AWS, never the plaintext.
 */
const NAME = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[\w./-]+$/);

function encrypt(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decrypt(key: Buffer, stored: string): string {
  const raw = Buffer.from(stored, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

function describe(ctx: Context, row: ParameterRow, withDecryption: boolean): Record<string, unknown> {
  const value =
    row.type === 'SecureString' && withDecryption ? decrypt(ctx.parameterKey, row.value) : row.value;
  const path = row.name.startsWith('/') ? row.name : `/${row.name}`;
  return {
    Name: row.name,
    Type: row.type,
    Value: value,
    Version: row.version,
    LastModifiedDate: row.last_modified,
    ARN: `arn:aws:ssm:${ctx.config.region}:${ctx.config.accountId}:parameter${path}`,
    DataType: 'text',
  };
}

/** Writes a parameter; used by PutParameter and by seeding (which overwrites with the config's value). */
export function writeParameter(
  ctx: Context,
  name: string,
  type: 'String' | 'SecureString',
  value: string,
  overwrite: boolean,
): number {
  const existing = ctx.store.getParameter(name);
  if (existing !== undefined && !overwrite) {
    throw new ServiceError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  if (
    existing !== undefined &&
    existing.type === type &&
    (type === 'String' ? existing.value === value : decrypt(ctx.parameterKey, existing.value) === value)
  ) {
    return existing.version;
  }
  const version = (existing?.version ?? 0) + 1;
  ctx.store.putParameter({
    name,
    type,
    value: type === 'SecureString' ? encrypt(ctx.parameterKey, value) : value,
    version,
    last_modified: ctx.now().getTime() / 1000,
  });
  return version;
}

export function getParameter(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ Name: NAME, WithDecryption: z.boolean().optional() }),
    body,
    'ValidationException',
  );
  const row = ctx.store.getParameter(input.Name);
  if (row === undefined) throw new ServiceError('ParameterNotFound', 'Parameter not found.');
  return { Parameter: describe(ctx, row, input.WithDecryption === true) };
}

export function getParameters(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ Names: z.array(NAME).min(1).max(10), WithDecryption: z.boolean().optional() }),
    body,
    'ValidationException',
  );
  const found: Record<string, unknown>[] = [];
  const invalid: string[] = [];
  for (const name of input.Names) {
    const row = ctx.store.getParameter(name);
    if (row === undefined) invalid.push(name);
    else found.push(describe(ctx, row, input.WithDecryption === true));
  }
  return { Parameters: found, InvalidParameters: invalid };
}

export function putParameter(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      Name: NAME,
      Value: z.string().min(1).max(8192),
      Type: z.enum(['String', 'SecureString']).optional(),
      Overwrite: z.boolean().optional(),
    }),
    body,
    'ValidationException',
  );
  const type = input.Type ?? ctx.store.getParameter(input.Name)?.type;
  if (type !== 'String' && type !== 'SecureString')
    throw new ServiceError(
      'ValidationException',
      'A parameter type is required when you create a parameter.',
    );
  return {
    Version: writeParameter(ctx, input.Name, type, input.Value, input.Overwrite === true),
    Tier: 'Standard',
  };
}
