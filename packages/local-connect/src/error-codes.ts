/**
 * Every error code the server answers with. The code is the `error.type` of Corbado's error body and
 * decides the HTTP status; tests assert on it.
 */
export const ERROR_STATUS = {
  /** The request body or a field in it is malformed (bad JSON, wrong type, bad base64url). */
  validation_error: 400,
  /** Missing or wrong Backend API credentials. */
  unauthorized: 401,
  /** The Frontend API call names another project (`x-corbado-projectid`). */
  project_id_mismatch: 400,
  /** The browser origin is not one of the configured relying-party origins. */
  origin_not_allowed: 403,
  /** No such route. */
  not_found: 404,
  /** The route exists but not for this method. */
  method_not_allowed: 405,
  /** The request body is larger than the limit. */
  payload_too_large: 413,
  /** The connect token is unknown, expired, consumed or of the wrong type. */
  invalid_connect_token: 400,
  /** The `x-corbado-process-id` header names no live process. */
  invalid_process: 400,
  /** No pending challenge for this step of the process (never started, expired or already used). */
  invalid_challenge: 400,
  /** The WebAuthn response did not verify (origin, RP ID, challenge, signature, user verification, counter). */
  webauthn_verification_failed: 400,
  /** The credential in the assertion is not registered (0.2.4 clients read a 404 as "passkey deleted"). */
  unknown_credential: 404,
  /** The credential does not belong to the user this login was started for. */
  credential_not_allowed: 400,
  /** The credential is already registered. */
  credential_exists: 400,
  /** The passkey to delete is not one of the user's passkeys. */
  passkey_not_found: 404,
  /** Anything unexpected; answered as a 400 so no stack or internals leave the server. */
  internal_error: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Codes of a failed action call. They never reach a client as such: a failed pre-login is the quiet
 * fallback to the password form, a failed post-append is logged.
 */
export type ActionFailureCode =
  /** The call took longer than the action's `timeoutMs`; its worker was ended. */
  | 'action_timeout'
  /** The script threw, crashed its worker, exited, or could not be loaded. */
  | 'action_failed'
  /** The script returned something outside the contract's result schema. */
  | 'action_bad_response';

/** Codes of a configuration mistake, raised at startup. */
export type ConfigErrorCode = 'invalid_config';
