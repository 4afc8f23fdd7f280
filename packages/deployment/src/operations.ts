// What an operator works with once the triggers run: the passkey mode (the kill switch), the per-user
// block, and the metrics the triggers emit and the dashboard reads. Plain data with no imports, so the
// trigger bundles, the web app's server, the CDK construct and the admin CLI all read the same names.

/**
 * The passkey modes, the values of the `PARAMETERS.passkeyMode` SSM String parameter:
 * - `on`: passkey login and passkey append both offered;
 * - `login-only`: passkey login works, no new passkeys are created (append is hidden and its token refused);
 * - `append-only`: passkeys may be created, but sign-in is by password only (a staged rollout's first step);
 * - `off`: the app shows password sign-in only, the app's server refuses every connect token, and
 *   define-auth-challenge refuses every passkey answer, so "off" really means off.
 * Flipping the parameter needs no deploy: define-auth-challenge and the app's server re-read it after
 * `PASSKEY_MODE_CACHE_SECONDS`.
 */
export const PASSKEY_MODES = ['on', 'login-only', 'append-only', 'off'] as const;
export type PasskeyMode = (typeof PASSKEY_MODES)[number];

/** The mode a new deployment starts in (the CDK construct writes it as the parameter's first value). */
export const DEFAULT_PASSKEY_MODE: PasskeyMode = 'on';

/** Whether a mode lets users sign in with a passkey. */
export function passkeyLoginAllowed(mode: PasskeyMode): boolean {
  return mode === 'on' || mode === 'login-only';
}

/** Whether a mode lets users create a passkey. */
export function passkeyAppendAllowed(mode: PasskeyMode): boolean {
  return mode === 'on' || mode === 'append-only';
}

/** Whether a mode lets users see and delete their passkeys (every mode but `off`). */
export function passkeyManagementAllowed(mode: PasskeyMode): boolean {
  return mode !== 'off';
}

/**
 * Reading the mode:
 * - a parameter that does not exist (`ParameterNotFound`) means no kill switch is set up: `DEFAULT_PASSKEY_MODE`;
 * - a value that is not one of `PASSKEY_MODES` counts as `off`;
 * - a read that fails otherwise (denied, timed out, unavailable) serves the last value read, for at most
 *   this long after it was read, and then counts as `off`.
 * `off` here affects passkeys only: password sign-in never depends on the mode.
 */
export const PASSKEY_MODE_STALE_SECONDS = 300;

/** Parses a parameter value; anything else is `undefined` (and the reader treats it as `off`). */
export function parsePasskeyMode(value: unknown): PasskeyMode | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return (PASSKEY_MODES as readonly string[]).includes(trimmed) ? (trimmed as PasskeyMode) : undefined;
}

/**
 * The per-user block: a custom attribute of the pool. The verify trigger reads it from the event's
 * `userAttributes` (no API call) and refuses every passkey answer of a user whose value is `true`. Only
 * an administrator may write it: the app client's write attributes leave it out.
 */
export const PASSKEYS_BLOCKED_ATTRIBUTE = {
  /** The schema name (Cognito prefixes it with `custom:`). */
  name: 'passkeys_blocked',
  /** The name in `userAttributes`, `AdminUpdateUserAttributes` and trigger events. */
  attribute: 'custom:passkeys_blocked',
  /** The value that blocks; any other value, or none, does not. */
  blockedValue: 'true',
  maxLength: 8,
} as const;

/**
 * The metrics the triggers emit (CloudWatch embedded metric format, through Powertools Metrics) and the
 * dashboard and alarms read. Every metric carries the `service` dimension; the ones below with a second
 * dimension are emitted once per value of it.
 */
export const METRICS = {
  namespace: 'CognitoPasskeys',
  /** The value of the `service` dimension on every metric. */
  service: 'cognito-passkeys',
  names: {
    /** define-auth-challenge issued a first passkey challenge (a passkey sign-in began). Count. */
    signInStarted: 'PasskeySignInStarted',
    /** verify accepted a passkey answer. Count. */
    signInSucceeded: 'PasskeySignInSucceeded',
    /** verify refused a passkey answer, or define failed a sign-in; dimension `outcome`. Count. */
    signInFailed: 'PasskeySignInFailed',
    /** Wall time of one verify invocation, the Backend API call included. Milliseconds. */
    verifyLatency: 'PasskeyVerifyLatency',
    /** A Backend API call that failed; dimension `reason` (`CorbadoBackendErrorCode`). Count. */
    backendApiErrors: 'CorbadoBackendApiErrors',
    /** Every Backend API call made (the error rate's denominator). Count. */
    backendApiCalls: 'CorbadoBackendApiCalls',
    /** Powertools' own cold-start metric, with `function_name` and `service`. Count. */
    coldStart: 'ColdStart',
  },
  dimensions: {
    service: 'service',
    outcome: 'outcome',
    reason: 'reason',
  },
  /**
   * The values of `outcome` on `PasskeySignInFailed`: verify's answer outcomes other than `success`,
   * plus what define refuses (`attempts_exhausted`, `passkeys_disabled`) and the per-user block.
   */
  failureOutcomes: [
    'invalid_signature',
    'invalid_challenge',
    'user_mismatch',
    'generic_error',
    'user_not_found',
    'missing_answer',
    'oversized_answer',
    'not_a_jwt',
    'verification_unavailable',
    'user_blocked',
    'attempts_exhausted',
    'passkeys_disabled',
  ],
  /** The values of `reason` on `CorbadoBackendApiErrors`. */
  backendErrorReasons: [
    'timeout',
    'network_error',
    'unauthorized',
    'bad_request',
    'server_error',
    'malformed_response',
  ],
} as const;

export type FailureOutcome = (typeof METRICS.failureOutcomes)[number];
