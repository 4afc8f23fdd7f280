import { describe, expect, it } from 'vitest';

import { passkey } from '../../test/fixtures/events';
import {
  applyPasskeyMode,
  decideNextChallenge,
  type ChallengeResult,
  type NextStep,
} from './decide-next-challenge';

// One row per session history Cognito can hand the trigger (Developer Guide, custom authentication flow).
const rows: [string, ChallengeResult[], NextStep][] = [
  ['a new sign-in', [], { kind: 'challenge' }],
  ['a verified passkey', [passkey(true)], { kind: 'issue_tokens' }],
  ['one wrong answer', [passkey(false)], { kind: 'challenge' }],
  ['two wrong answers', [passkey(false), passkey(false)], { kind: 'challenge' }],
  ['a verified second try', [passkey(false), passkey(true)], { kind: 'issue_tokens' }],
  ['a verified third try', [passkey(false), passkey(false), passkey(true)], { kind: 'issue_tokens' }],
  [
    'three wrong answers',
    [passkey(false), passkey(false), passkey(false)],
    { kind: 'fail', reason: 'attempts_exhausted' },
  ],
  [
    'an SRP start (CUSTOM_WITH_SRP)',
    [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }],
    { kind: 'fail', reason: 'foreign_challenge' },
  ],
  [
    'a password verifier before the passkey',
    [
      { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
      { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
    ],
    { kind: 'fail', reason: 'foreign_challenge' },
  ],
  [
    'an SMS MFA answer',
    [{ challengeName: 'SMS_MFA', challengeResult: true, challengeMetadata: null }],
    { kind: 'fail', reason: 'foreign_challenge' },
  ],
  [
    "another custom challenge's success",
    [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'MAGIC_LINK' }],
    { kind: 'fail', reason: 'foreign_challenge' },
  ],
  [
    'a custom challenge without metadata',
    [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: null }],
    { kind: 'fail', reason: 'foreign_challenge' },
  ],
];

describe('decideNextChallenge (3 attempts)', () => {
  it.each(rows)('%s', (_name, session, expected) => {
    expect(decideNextChallenge(session, 3)).toEqual(expected);
  });
});

describe('the attempt limit is configurable', () => {
  it('fails after the first wrong answer with a limit of 1', () => {
    expect(decideNextChallenge([passkey(false)], 1)).toEqual({ kind: 'fail', reason: 'attempts_exhausted' });
  });

  it('allows a fourth try with a limit of 5', () => {
    expect(decideNextChallenge([passkey(false), passkey(false), passkey(false)], 5)).toEqual({
      kind: 'challenge',
    });
  });
});

describe('applyPasskeyMode', () => {
  const disabled: NextStep = { kind: 'fail', reason: 'passkeys_disabled' };
  const steps: [NextStep, NextStep][] = [
    [{ kind: 'challenge' }, disabled],
    [{ kind: 'issue_tokens' }, disabled],
    [
      { kind: 'fail', reason: 'attempts_exhausted' },
      { kind: 'fail', reason: 'attempts_exhausted' },
    ],
    [
      { kind: 'fail', reason: 'foreign_challenge' },
      { kind: 'fail', reason: 'foreign_challenge' },
    ],
  ];

  it.each(steps)('keeps %o when passkey login is allowed', (next) => {
    expect(applyPasskeyMode(next, true)).toEqual(next);
  });

  it.each(steps)('turns %o into %o when it is not', (next, expected) => {
    expect(applyPasskeyMode(next, false)).toEqual(expected);
  });
});
