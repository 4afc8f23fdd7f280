import { USER_POOL } from '@cognito-passkeys/deployment/user-pool';
import { describe, expect, it } from 'vitest';

import { GENERATED_PASSWORD_LENGTH, PASSWORD_CLASSES, generatePassword } from './generated-password';

const POLICY = USER_POOL.passwordPolicy;
const ALPHABET = Object.values(PASSWORD_CLASSES).join('');

describe('generatePassword', () => {
  it('satisfies the pool policy: every required class, at least the minimum length', () => {
    for (let i = 0; i < 500; i += 1) {
      const password = generatePassword(POLICY);
      expect(password.length).toBeGreaterThanOrEqual(Math.max(POLICY.minLength, GENERATED_PASSWORD_LENGTH));
      for (const chars of Object.values(PASSWORD_CLASSES))
        expect([...password].some((c) => chars.includes(c))).toBe(true);
      expect([...password].every((c) => ALPHABET.includes(c))).toBe(true);
    }
  });

  it('honours a longer minimum', () => {
    expect(generatePassword({ ...POLICY, minLength: 99 })).toHaveLength(99);
  });

  it('never repeats itself', () => {
    const passwords = new Set(Array.from({ length: 2000 }, () => generatePassword(POLICY)));
    expect(passwords.size).toBe(2000);
  });

  it('draws every character about equally often (no modulo bias)', () => {
    // 100,000 characters over 94: about 1,064 each. Modulo bias from byte-sized draws (256 % 94 = 68)
    // would give the first 68 characters half as much again as the rest.
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000 / GENERATED_PASSWORD_LENGTH; i += 1)
      for (const c of generatePassword(POLICY)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(ALPHABET.length);
    const expected = 100_000 / ALPHABET.length;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.8);
      expect(count).toBeLessThan(expected * 1.2);
    }
  });

  it('draws again when a value would bias the choice, and gives up on a source that never varies', () => {
    // 0xFFFFFFFF is above the last whole multiple of 94: it is skipped, never mapped to a character.
    let calls = 0;
    const skewed = (buffer: Uint32Array) => {
      calls += 1;
      return buffer.fill(calls === 1 ? 0xffffffff : 0);
    };
    expect(() => generatePassword(POLICY, skewed)).toThrow(/every required class/);
    expect(calls).toBeGreaterThan(1);
  });
});
