/**
 * The wire contract of the two Corbado actions (pre-login, post-append). Corbado calls each as a JSON
 * webhook over HTTPS (a Lambda Function URL in AWS; local-aws serves the same handlers locally):
 *
 *   POST <action URL>
 *   content-type: application/json
 *   authorization: Bearer <shared secret>      (compared in constant time with the SSM SecureString)
 *
 * Every answer is JSON. 200 carries one of the responses below; errors carry `{ "error": { "code" } }` with
 * 400 (`bad_request`), 401 (`unauthorized`), 405 (`method_not_allowed`), 413 (`payload_too_large`) or 503
 * (`upstream_unavailable`, Cognito failed or timed out). Callers time out after 3 s by default.
 */

/** pre-login: the identifier the user typed (an email) → the Cognito username passkeys are stored under. */
export interface PreLoginRequest {
  identifier: string;
}
export type PreLoginResponse = { outcome: 'found'; username: string } | { outcome: 'not_found' };

/** post-append: after a passkey was added for `username`; turns MFA on when the user has none. */
export interface PostAppendRequest {
  username: string;
  /** The new credential's ID (base64url), for the log only. */
  credentialId?: string;
}
export type PostAppendResponse =
  | { outcome: 'mfa_enabled'; method: 'EMAIL_OTP' | 'SOFTWARE_TOKEN' | 'SMS' }
  | { outcome: 'mfa_already_set' }
  | { outcome: 'unchanged' }
  | { outcome: 'not_found' };

export type ActionErrorCode =
  'bad_request' | 'unauthorized' | 'method_not_allowed' | 'payload_too_large' | 'upstream_unavailable';

export interface ActionErrorResponse {
  error: { code: ActionErrorCode };
}

/** The header that carries the shared secret. */
export const ACTION_SECRET_HEADER = 'authorization';
