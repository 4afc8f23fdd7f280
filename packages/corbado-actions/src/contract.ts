// The contract between Corbado and an action script, as Corbado's Cognito guide prints it
// (corbadotech/docs, corbado-connect/integration/cognito.mdx §5.4 and §6.3): Corbado calls the module's
// `handler(event)` and reads `{ statusCode, body }`, with `body` an object, not a string. The scripts and
// local-connect (which runs them the way Corbado does) both parse through these schemas.
// zod/mini, not the classic API: the same schemas and `parse`/`safeParse`, but tree-shakeable, so the
// bundled action scripts carry a few kilobytes of zod instead of most of a megabyte.
import * as z from 'zod/mini';

/** pre-login: `identifier` is what the user typed (an email, usually). Corbado may send more fields. */
export const preLoginEventSchema = z.looseObject({ identifier: z.string() });
export type PreLoginEvent = z.infer<typeof preLoginEventSchema>;

/** post-append: `username` is the Cognito username the passkey was added for. */
export const postAppendEventSchema = z.looseObject({ username: z.string() });
export type PostAppendEvent = z.infer<typeof postAppendEventSchema>;

/**
 * An action's error. `return: false` is a silent error (the component falls back to the password form
 * without a word); `return: true` returns it to the frontend: `message` to show, or a custom `code` (with
 * `payload`) the app acts on. Corbado's material names the fields; the reading of `return` is inferred.
 */
export const actionErrorSchema = z.object({
  return: z.boolean(),
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  message: z.optional(z.string().check(z.maxLength(512))),
  payload: z.optional(z.string().check(z.maxLength(2048))),
});
export type ActionError = z.infer<typeof actionErrorSchema>;

/** pre-login's answer: the Cognito username, or `identifier: ''` with an error. Always statusCode 200. */
export const preLoginResultSchema = z.object({
  statusCode: z.literal(200),
  body: z.union([
    z.object({ identifier: z.string().check(z.minLength(1), z.maxLength(256)) }),
    z.object({ identifier: z.literal(''), error: actionErrorSchema }),
  ]),
});
export type PreLoginResult = z.infer<typeof preLoginResultSchema>;

/** What post-append did, in the `outcome` field of its 200 body (the guide's body is `{}`). */
export const POST_APPEND_OUTCOMES = ['mfa_enabled', 'mfa_already_set'] as const;
export type PostAppendOutcome = (typeof POST_APPEND_OUTCOMES)[number];

/**
 * post-append's answer: 200 with `{}` or `{ outcome }`, or 500 with a code (never a stack). This package's
 * script answers the codes of `ACTION_ERROR_CODES` (errors.ts); the schema accepts any short code.
 */
export const postAppendResultSchema = z.object({
  statusCode: z.union([z.literal(200), z.literal(500)]),
  body: z.looseObject({
    outcome: z.optional(z.enum(POST_APPEND_OUTCOMES)),
    code: z.optional(z.string().check(z.maxLength(64))),
    message: z.optional(z.string().check(z.maxLength(512))),
  }),
});
export type PostAppendResult = z.infer<typeof postAppendResultSchema>;

/** The codes pre-login answers with (the guide's, plus `invalid_identifier` for input that cannot be a user). */
export const PRE_LOGIN_ERROR_CODES = [
  'account_disabled',
  'force_change_password',
  'reset_required',
  'user_not_found',
  'invalid_identifier',
  'untyped',
] as const;
export type PreLoginErrorCode = (typeof PRE_LOGIN_ERROR_CODES)[number];

/** The environment variables a script reads; the values are set in Corbado's console. */
export const ACTION_ENV = {
  /** The Cognito user pool, e.g. `us-east-1_Abc123`. */
  userPoolId: 'USER_POOL_ID',
  /** The cross-account role the script assumes (created by the CDK construct). */
  assumeRoleArn: 'ASSUME_ROLE_ARN',
  /** The external ID the role's trust policy requires (confused-deputy guard). */
  externalId: 'EXTERNAL_ID',
  /**
   * The region Cognito and STS are called in; without it, the region USER_POOL_ID names. AWS_REGION is not
   * used: where Corbado runs the action it is Corbado's region, not necessarily the pool's.
   */
  region: 'REGION',
  /** pre-login: `true` answers an unknown email with the guide's message; default: a silent error. */
  revealUnknownUser: 'REVEAL_UNKNOWN_USER',
  /** post-append: the MFA method to turn on for a user without one, `SMS` or `EMAIL_OTP` (default). */
  postAppendMfaMethod: 'POST_APPEND_MFA_METHOD',
  /**
   * Both: the most one call may take, STS and Cognito together, in milliseconds (default 2500). Corbado
   * does not document an action's budget; past this the action answers as if Cognito were unavailable.
   */
  deadlineMs: 'ACTION_DEADLINE_MS',
} as const;
