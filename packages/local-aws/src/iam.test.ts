import { describe, expect, it } from 'vitest';
import { isAllowed, isTrusted, wildcardMatch } from './iam';

const POOL = 'arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_Allowed1';

describe('wildcardMatch (IAM wildcards)', () => {
  it.each([
    ['cognito-idp:Admin*', 'cognito-idp:AdminGetUser', true],
    ['cognito-idp:Admin*', 'cognito-idp:ListUsers', false],
    ['cognito-idp:?istUsers', 'cognito-idp:ListUsers', true],
    ['*', 'anything:at all', true],
    ['arn:aws:cognito-idp:*:111111111111:userpool/*', POOL, true],
    ['arn:aws:cognito-idp:*:222222222222:userpool/*', POOL, false],
    ['arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_Allowed', POOL, false],
    ['a.c', 'abc', false],
    ['a(b)+', 'a(b)+', true],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('isAllowed', () => {
  const policy = [{ actions: ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers'], resources: [POOL] }];

  it.each([
    ['an allowed action on the pool', 'cognito-idp:AdminGetUser', POOL, true],
    [
      'an action name in other case (IAM actions are case-insensitive)',
      'COGNITO-IDP:adminGetUser',
      POOL,
      true,
    ],
    ['another action', 'cognito-idp:AdminDeleteUser', POOL, false],
    ['another pool', 'cognito-idp:AdminGetUser', POOL.replace('Allowed1', 'Other1'), false],
    [
      'the pool ARN in other case (resources are case-sensitive)',
      'cognito-idp:AdminGetUser',
      POOL.toLowerCase(),
      false,
    ],
    ['an action without a resource', 'cognito-idp:ListUserPools', '*', false],
  ])('%s: %s', (_, action, resource, expected) => {
    expect(isAllowed(policy, action, resource)).toBe(expected);
  });

  it('needs a statement that covers both the action and the resource', () => {
    const split = [
      {
        actions: ['cognito-idp:AdminGetUser'],
        resources: ['arn:aws:cognito-idp:us-east-1:111111111111:userpool/x'],
      },
      { actions: ['cognito-idp:ListUsers'], resources: [POOL] },
    ];
    expect(isAllowed(split, 'cognito-idp:AdminGetUser', POOL)).toBe(false);
    expect(isAllowed([], 'cognito-idp:AdminGetUser', POOL)).toBe(false);
    expect(isAllowed([{ actions: ['*'], resources: ['*'] }], 'cognito-idp:ListUserPools', '*')).toBe(true);
  });
});

describe('isTrusted (a role trust policy)', () => {
  const user = 'arn:aws:iam::222222222222:user/corbado-actions';
  it.each([
    ['the account ID', ['222222222222'], true],
    ['the account root', ['arn:aws:iam::222222222222:root'], true],
    ['the identity itself', [user], true],
    ['another identity of the account', ['arn:aws:iam::222222222222:user/someone-else'], false],
    ['another account', ['333333333333', 'arn:aws:iam::333333333333:root'], false],
  ])('trusting %s: %s', (_, trusted, expected) => {
    expect(isTrusted(trusted, user)).toBe(expected);
  });
});
