// The action wire types of packages/cognito-triggers/src/actions/contract.ts, which that package does not
// export yet; replace with `export type { … } from '@cognito-passkeys/cognito-triggers'` once it does.
export interface PreLoginRequest {
  identifier: string;
}
export type PreLoginResponse = { outcome: 'found'; username: string } | { outcome: 'not_found' };
export interface PostAppendRequest {
  username: string;
  credentialId?: string;
}
export type PostAppendResponse =
  | { outcome: 'mfa_enabled'; method: 'EMAIL_OTP' | 'SOFTWARE_TOKEN' | 'SMS' }
  | { outcome: 'mfa_already_set' }
  | { outcome: 'unchanged' }
  | { outcome: 'not_found' };
