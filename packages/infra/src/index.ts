export { CorbadoPasskeys, type CorbadoPasskeysOAuth, type CorbadoPasskeysProps } from './corbado-passkeys';
export { CorbadoPasskeysStack, type CorbadoPasskeysStackProps } from './stack';
export { CorbadoPasskeysConfigError, INFRA_ERROR_CODES, type InfraErrorCode } from './errors';
