import { randomBytes, randomInt } from 'node:crypto';

/** Where random identifiers come from, injected so a test can name what it will see. */
export interface IdSource {
  /** `bytes` random bytes as URL-safe base64. */
  token(bytes: number): string;
  /** `length` characters drawn uniformly from `alphabet`. */
  string(alphabet: string, length: number): string;
}

/** The operating system's CSPRNG (`node:crypto`): unbiased draws, no `Math.random`. */
export const randomIds: IdSource = {
  token: (bytes) => randomBytes(bytes).toString('base64url'),
  string(alphabet, length) {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
  },
};

export const DIGITS = '0123456789';
