import { describe, expect, it } from 'vitest';
import { epochSeconds, manualClock } from './clock';
import { randomIds } from './ids';

describe('manualClock', () => {
  it('stands still until advanced', () => {
    const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
    expect(epochSeconds(clock)).toBe(1767225600);
    clock.advance(1500);
    expect(clock().toISOString()).toBe('2026-01-01T00:00:01.500Z');
    expect(epochSeconds(clock)).toBe(1767225601);
  });
});

describe('randomIds', () => {
  it('draws tokens of the asked size and strings from the alphabet only', () => {
    expect(Buffer.from(randomIds.token(12), 'base64url')).toHaveLength(12);
    const s = randomIds.string('ab', 200);
    expect(s).toMatch(/^[ab]{200}$/);
    expect(s).toContain('a');
    expect(s).toContain('b');
    expect(randomIds.token(16)).not.toBe(randomIds.token(16));
  });
});
