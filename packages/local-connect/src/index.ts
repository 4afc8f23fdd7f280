export { start, type RunningServer, type StartOptions } from './server';
export { ActionRunner, type ActionRunnerOptions } from './actions';
export {
  actionSchema,
  localConnectConfigSchema,
  parseConfig,
  type ActionConfig,
  type LocalConnectConfig,
  type ResolvedConfig,
} from './config';
export { LocalConnectError, RequestError, ActionError, ConfigError } from './errors';
export type { ErrorCode, ActionFailureCode, ConfigErrorCode } from './error-codes';
export type { VerificationResult, SignedPasskeyDataClaims } from './signed-passkey-data';
export type { LogEvent, Logger } from './context';
