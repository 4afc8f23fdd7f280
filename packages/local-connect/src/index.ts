export { start, type RunningServer, type StartOptions } from './server';
export {
  localConnectConfigSchema,
  parseConfig,
  type LocalConnectConfig,
  type ResolvedConfig,
} from './config';
export { LocalConnectError, RequestError, ActionError, ConfigError } from './errors';
export type { ErrorCode, ActionFailureCode, ConfigErrorCode } from './error-codes';
export type { VerificationResult, SignedPasskeyDataClaims } from './signed-passkey-data';
export type { LogEvent, Logger } from './context';
