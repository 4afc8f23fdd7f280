import { DIGITS, randomIds } from '@cognito-passkeys/emulator-kit';

/** A Corbado-style ID: a prefix and an 18-digit random number (`usr-…`, `pky-…`, `ctk-…`, `was-…`). */
export function newId(prefix: 'usr' | 'pky' | 'ctk' | 'was' | 'pki'): string {
  return `${prefix}-${randomIds.string(DIGITS, 18)}`;
}

/** A random token of URL-safe characters. */
export function randomToken(bytes: number): string {
  return randomIds.token(bytes);
}

/** A connect token secret as Corbado issues them (`ctk1_…`). */
export function newConnectTokenSecret(): string {
  return `ctk1_${randomToken(24)}`;
}
