/**
 * The error registry of this package: mistakes in the props a CDK app passes, thrown while the construct
 * is built, so `cdk synth` fails before anything is bundled or deployed.
 *
 * - `missing_actions_principal`: actions are on but `corbadoActionsPrincipal` is not set.
 * - `invalid_actions_principal`: `corbadoActionsPrincipal` is neither an account ID nor an IAM role or user ARN.
 * - `invalid_external_id`: `actionsExternalId` breaks STS's rule (2–1224 characters of `[\w+=,.@:/-]`).
 * - `invalid_corbado_timeout`: `corbadoTimeoutMs` leaves the verify trigger no room for its secret read
 *   inside its timeout (`TIME_BUDGET` of @cognito-passkeys/deployment).
 * - `invalid_oauth`: `oAuth` names no callback URL, a URL that is not `https://` (or `http://localhost`),
 *   no grant or no scope.
 * - `invalid_parameter_name`: `passkeyModeParameterName` is not an SSM parameter name (letters, digits and
 *   `_.-/`, at most 1011 characters, `/` only between path segments).
 * - `invalid_monitoring`: a `monitoring` threshold or count is out of range (a percentage outside 0–100, a
 *   count that is not a positive integer, a latency that is not a positive number of milliseconds).
 */
export const INFRA_ERROR_CODES = [
  'missing_actions_principal',
  'invalid_actions_principal',
  'invalid_external_id',
  'invalid_oauth',
  'invalid_corbado_timeout',
  'invalid_parameter_name',
  'invalid_monitoring',
] as const;
export type InfraErrorCode = (typeof INFRA_ERROR_CODES)[number];

export class CorbadoPasskeysConfigError extends Error {
  override readonly name = 'CorbadoPasskeysConfigError';
  readonly code: InfraErrorCode;

  constructor(code: InfraErrorCode, message: string) {
    // The code leads the message: `cdk synth` prints only the message of an error thrown by the app.
    super(`[${code}] ${message}`);
    this.code = code;
  }
}
