import type { PasswordPolicy } from '@cognito-passkeys/deployment/user-pool';

/**
 * The characters a generated password draws from, per class. The symbols are Cognito's special characters
 * (Amazon Cognito Developer Guide, "Password requirements"), without the space.
 */
export const PASSWORD_CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-',
} as const;

/** Long enough that the password is never the weak part, whatever the pool's minimum. */
export const GENERATED_PASSWORD_LENGTH = 32;

/** Fills a Uint32Array with random values: WebCrypto's `getRandomValues` by default. */
export type RandomSource = (buffer: Uint32Array) => Uint32Array;

const webCrypto: RandomSource = (buffer) => globalThis.crypto.getRandomValues(buffer);

/** The attempts after which a source that never yields every class is given up on (a broken source). */
const MAX_ATTEMPTS = 64;

/**
 * A random password that satisfies `policy`, for a passkey-first account: Cognito needs one, the user never
 * sees or types it (a lost passkey is recovered through Cognito's forgot-password email code).
 *
 * Every character is drawn uniformly from the union of all four classes by rejection sampling (no modulo
 * bias); a password that lacks a class the policy requires is drawn again as a whole, so the result is
 * uniform over the passwords that satisfy the policy. At least `GENERATED_PASSWORD_LENGTH` characters, and
 * never fewer than the policy's minimum.
 */
export function generatePassword(policy: PasswordPolicy, random: RandomSource = webCrypto): string {
  const alphabet = Object.values(PASSWORD_CLASSES).join('');
  const length = Math.max(policy.minLength, GENERATED_PASSWORD_LENGTH);
  const required: string[] = [];
  if (policy.requireLowercase) required.push(PASSWORD_CLASSES.lowercase);
  if (policy.requireUppercase) required.push(PASSWORD_CLASSES.uppercase);
  if (policy.requireDigits) required.push(PASSWORD_CLASSES.digits);
  if (policy.requireSymbols) required.push(PASSWORD_CLASSES.symbols);
  // The largest multiple of the alphabet's size below 2^32: values at or above it are drawn again.
  const limit = Math.floor(0x1_0000_0000 / alphabet.length) * alphabet.length;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    let password = '';
    while (password.length < length) {
      for (const value of random(new Uint32Array(length))) {
        if (value < limit && password.length < length) password += alphabet[value % alphabet.length];
      }
    }
    if (required.every((chars) => [...password].some((c) => chars.includes(c)))) return password;
  }
  throw new Error('the random source never produced a password with every required class');
}
