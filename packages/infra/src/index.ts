export {
  CorbadoPasskeys,
  type CorbadoPasskeysMonitoring,
  type CorbadoPasskeysOAuth,
  type CorbadoPasskeysProps,
  type PasskeysMonitoring,
} from './corbado-passkeys';
export { CorbadoPasskeysStack, type CorbadoPasskeysStackProps } from './stack';
export { CorbadoPasskeysConfigError, INFRA_ERROR_CODES, type InfraErrorCode } from './errors';
export { PASSKEY_MODE_PATTERN } from './passkey-mode';
