export { start, SUPPORTED_TARGETS, type LocalAws, type StartOptions } from './server';
export {
  parseConfig,
  loadConfigFile,
  type LocalAwsConfig,
  type PolicyStatement,
  type PrincipalConfig,
  type RoleConfig,
} from './config';
export { LocalAwsError, ServiceError, ConfigError } from './errors';
export { ERROR_CODES, STS_ERROR_STATUS, type ErrorCode, type ConfigErrorCode } from './error-codes';
export type { OutboxMessage } from './store';
