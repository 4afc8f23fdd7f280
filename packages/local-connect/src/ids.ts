import { randomBytes } from 'node:crypto';

/** A Corbado-style ID: a prefix and an 18-digit random number (`usr-…`, `pky-…`, `ctk-…`, `was-…`). */
export function newId(prefix: 'usr' | 'pky' | 'ctk' | 'was' | 'pki'): string {
  const n = randomBytes(8).readBigUInt64BE() % 10n ** 18n;
  return `${prefix}-${n.toString().padStart(18, '1')}`;
}

/** A random token of URL-safe characters. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A connect token secret as Corbado issues them (`ctk1_…`). */
export function newConnectTokenSecret(): string {
  return `ctk1_${randomToken(24)}`;
}
