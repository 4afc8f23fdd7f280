import { describe, expect, it } from 'vitest';
import { checkPassword, createVerifier, padHex } from './srp';

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
});
