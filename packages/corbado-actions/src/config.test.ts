import { describe, expect, it } from 'vitest';

import { parsePostAppendConfig, parsePreLoginConfig } from './config';

const BASE = {
  USER_POOL_ID: 'eu-central-1_Abc123XYZ',
  ASSUME_ROLE_ARN: 'arn:aws:iam::123456789012:role/corbado-connect-actions',
  EXTERNAL_ID: 'ext-7f3c2a9e-1b4d-4e8f-a6c5-0d2b9e8f1a37',
};

describe('action configuration', () => {
  it('reads the defaults: silent unknown users, email MFA, the pool region', () => {
    expect(parsePreLoginConfig(BASE)).toEqual({
      ok: true,
      config: {
        userPoolId: BASE.USER_POOL_ID,
        region: 'eu-central-1',
        assumeRoleArn: BASE.ASSUME_ROLE_ARN,
        externalId: BASE.EXTERNAL_ID,
        deadlineMs: 2500,
        revealUnknownUser: false,
      },
    });
    expect(parsePostAppendConfig(BASE)).toMatchObject({ ok: true, config: { mfaMethod: 'EMAIL_OTP' } });
  });

  it('reads every setting', () => {
    const env = {
      ...BASE,
      REGION: 'us-east-1',
      REVEAL_UNKNOWN_USER: 'true',
      POST_APPEND_MFA_METHOD: 'SMS',
      ACTION_DEADLINE_MS: '4000',
    };
    expect(parsePreLoginConfig(env)).toMatchObject({
      ok: true,
      config: { region: 'us-east-1', revealUnknownUser: true, deadlineMs: 4000 },
    });
    expect(parsePostAppendConfig(env)).toMatchObject({
      ok: true,
      config: { region: 'us-east-1', mfaMethod: 'SMS' },
    });
  });

  it('takes the region from the pool, not AWS_REGION', () => {
    expect(parsePreLoginConfig({ ...BASE, AWS_REGION: 'us-west-2' })).toMatchObject({
      config: { region: 'eu-central-1' },
    });
  });

  it('accepts other partitions and role paths', () => {
    const env = {
      ...BASE,
      USER_POOL_ID: 'us-gov-west-1_Abc',
      ASSUME_ROLE_ARN: 'arn:aws-us-gov:iam::123456789012:role/path/to/role',
    };
    expect(parsePreLoginConfig(env)).toMatchObject({ ok: true, config: { region: 'us-gov-west-1' } });
  });

  it('treats empty values as unset', () => {
    expect(parsePostAppendConfig({ ...BASE, REGION: '', POST_APPEND_MFA_METHOD: ' ' })).toMatchObject({
      ok: true,
      config: { region: 'eu-central-1', mfaMethod: 'EMAIL_OTP' },
    });
  });

  it.each([
    ['USER_POOL_ID', { USER_POOL_ID: undefined }],
    ['USER_POOL_ID', { USER_POOL_ID: 'eu-central-1:Abc' }],
    ['ASSUME_ROLE_ARN', { ASSUME_ROLE_ARN: 'arn:aws:iam::12345:role/x' }],
    ['ASSUME_ROLE_ARN', { ASSUME_ROLE_ARN: 'arn:aws:iam::123456789012:user/x' }],
    ['EXTERNAL_ID', { EXTERNAL_ID: undefined }],
    ['EXTERNAL_ID', { EXTERNAL_ID: 'x' }],
    ['EXTERNAL_ID', { EXTERNAL_ID: 'has"quote' }],
    ['REGION', { REGION: 'EU' }],
    ['REVEAL_UNKNOWN_USER', { REVEAL_UNKNOWN_USER: 'TRUE' }],
    ['ACTION_DEADLINE_MS', { ACTION_DEADLINE_MS: '99' }],
    ['ACTION_DEADLINE_MS', { ACTION_DEADLINE_MS: '30001' }],
    ['ACTION_DEADLINE_MS', { ACTION_DEADLINE_MS: '2.5s' }],
  ])('names %s when it is wrong', (key, override) => {
    expect(parsePreLoginConfig({ ...BASE, ...override })).toEqual({ ok: false, invalidKeys: [key] });
  });

  it('refuses an MFA method an action cannot turn on', () => {
    expect(parsePostAppendConfig({ ...BASE, POST_APPEND_MFA_METHOD: 'SOFTWARE_TOKEN' })).toEqual({
      ok: false,
      invalidKeys: ['POST_APPEND_MFA_METHOD'],
    });
  });

  it('each action reads only its own settings', () => {
    expect(parsePreLoginConfig({ ...BASE, POST_APPEND_MFA_METHOD: 'bogus' }).ok).toBe(true);
    expect(parsePostAppendConfig({ ...BASE, REVEAL_UNKNOWN_USER: 'bogus' }).ok).toBe(true);
  });
});
