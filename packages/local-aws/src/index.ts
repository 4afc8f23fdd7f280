export { start, SUPPORTED_TARGETS, type LocalAws, type StartOptions } from './server';
export { parseConfig, loadConfigFile, type LocalAwsConfig } from './config';
export { LocalAwsError, ServiceError, ConfigError } from './errors';
export { ERROR_CODES, type ErrorCode, type ConfigErrorCode } from './error-codes';
export type { OutboxMessage } from './store';
