import { epochSeconds, randomIds, type Clock } from '@cognito-passkeys/emulator-kit';
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CLIENT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// The product's identifier forms over the kit's random source.
const pick = (alphabet: string, length: number): string => randomIds.string(alphabet, length);

/** `us-east-1_AbC123xYz`: the real pool-ID form, which `CognitoJwtVerifier` accepts. */
export const newPoolId = (region: string): string => `${region}_${pick(ALNUM, 9)}`;
/** 26 lower-case alphanumerics, as Cognito app client IDs. */
export const newClientId = (): string => pick(CLIENT_ALPHABET, 26);
export const newSub = (): string => randomUUID();
/** Six random digits: confirmation codes and OTPs are never fixed. */
export const newCode = (): string => pick('0123456789', 6);
/** An opaque bearer value (sessions, refresh tokens). */
export const newOpaque = (bytes = 96): string => randomIds.token(bytes);
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
/** Whole seconds by the server's clock (injected at `start`, so tests can move time). */
export const nowSeconds = (ctx: { now: Clock }): number => epochSeconds(ctx.now);

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** `ASIA` + 16 characters: the form of the temporary access key IDs STS issues. */
export const newTemporaryAccessKeyId = (): string => `ASIA${pick(KEY_ALPHABET, 16)}`;
/** 40 characters, as an AWS secret access key. */
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64');
/** An opaque session token (AWS's are a few hundred characters of base64). */
export const newSessionToken = (): string => randomBytes(256).toString('base64');
/**
 * An IAM unique ID (`AROA…` for a role, `AIDA…` for a user): stable for an ARN, as IAM keeps a role's ID
 * for its lifetime.
 */
export const uniqueIdFor = (prefix: 'AROA' | 'AIDA', arn: string): string => {
  const digest = createHash('sha256').update(arn).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += KEY_ALPHABET[(digest[i] ?? 0) % KEY_ALPHABET.length];
  return out;
};
