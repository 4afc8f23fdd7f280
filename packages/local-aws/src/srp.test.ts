import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  N,
  checkPassword,
  claimSignature,
  createServerEphemeral,
  createVerifier,
  g,
  modPowN,
  padHex,
  parseA,
  serverKey,
} from './srp';

/** The BigInt square-and-multiply the server used before OpenSSL: the reference for equal results. */
function referenceModPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

const random = (bytes: number): bigint => BigInt(`0x${randomBytes(bytes).toString('hex')}`);
const hashHex = (hex: string): bigint =>
  BigInt(`0x${createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')}`);

describe('srp', () => {
  it('pads like Amplify getPaddedHex', () => {
    expect(padHex(0x1n)).toBe('01');
    expect(padHex(0x7fn)).toBe('7f');
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(0xabcn)).toBe('0abc');
  });

  it('checks a password against its verifier only', () => {
    const stored = createVerifier('Abc123', 'user-1', 'Corr3ct-Horse!');
    expect(stored.verifier).not.toContain('Corr3ct');
    expect(checkPassword('Abc123', 'user-1', 'Corr3ct-Horse!', stored)).toBe(true);
    expect(checkPassword('Abc123', 'user-1', 'corr3ct-Horse!', stored)).toBe(false);
    expect(checkPassword('Abc123', 'user-2', 'Corr3ct-Horse!', stored)).toBe(false);
  });

  it('exponentiates like BigInt square-and-multiply, for random bases and exponents of every size it uses', () => {
    const cases: [bigint, bigint][] = [
      [g, 1n],
      [g, random(32)],
      [g, random(128)],
      [N - 2n, random(128)],
      [2n, N - 2n],
      [random(384) % N, 0n],
    ];
    for (let i = 0; i < 12; i++) cases.push([(random(384) % (N - 3n)) + 2n, random(i % 2 === 0 ? 32 : 128)]);
    for (const [base, exponent] of cases) {
      expect(modPowN(base, exponent), `${base.toString(16).slice(0, 12)}^${exponent}`).toBe(
        referenceModPow(base, exponent, N),
      );
    }
  });

  it('answers undefined for the bases OpenSSL refuses (powers of 1 and N-1 are trivial)', () => {
    expect(modPowN(1n, random(128))).toBeUndefined();
    expect(modPowN(N - 1n, random(128))).toBeUndefined();
    expect(modPowN(N, random(128))).toBeUndefined();
  });

  it('agrees on the session key with a client doing the SRP-6a math by BigInt (as Amplify does)', () => {
    for (const password of ['Corr3ct-Horse!', 'another-Pa55']) {
      const stored = createVerifier('Pool1', 'user-1', password);
      const { b, B } = createServerEphemeral(stored.verifier);
      // The client's side, as in @aws-amplify/auth's AuthenticationHelper.
      const a = random(128);
      const A = referenceModPow(g, a, N);
      const Bn = BigInt(`0x${B}`);
      const k = hashHex(padHex(N) + padHex(g));
      const u = hashHex(padHex(A) + padHex(Bn));
      const inner = createHash('sha256').update(`Pool1user-1:${password}`).digest('hex');
      const x = hashHex(padHex(BigInt(`0x${stored.salt}`)) + inner);
      const base = (((Bn - k * referenceModPow(g, x, N)) % N) + N) % N;
      const S = referenceModPow(base, a + u * x, N);
      const clientKey = Buffer.from(
        hkdfSync(
          'sha256',
          Buffer.from(padHex(S), 'hex'),
          Buffer.from(padHex(u), 'hex'),
          'Caldera Derived Key',
          16,
        ),
      );

      const parsed = parseA(A.toString(16));
      expect(parsed).toBe(A);
      const key = serverKey(A, B, b, stored.verifier);
      expect(key?.equals(clientKey)).toBe(true);
      const block = randomBytes(64);
      expect(claimSignature(key!, 'Pool1', 'user-1', block, 'now')).toEqual(
        claimSignature(clientKey, 'Pool1', 'user-1', block, 'now'),
      );
      // A different verifier (a wrong password) gives a different key.
      const other = createVerifier('Pool1', 'user-1', `${password}x`);
      expect(serverKey(A, B, b, other.verifier)?.equals(clientKey)).toBe(false);
    }
  });
});
