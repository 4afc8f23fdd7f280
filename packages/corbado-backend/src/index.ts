export {
  CONNECT_TOKEN_TYPES,
  DEFAULT_TIMEOUT_MS,
  VERIFICATION_RESULTS,
  createCorbadoBackend,
  type ConnectTokenData,
  type ConnectTokenType,
  type CorbadoBackend,
  type CorbadoBackendOptions,
  type VerificationResult,
} from './client';
export { readBoundedText } from './bounded-body';
export {
  CORBADO_BACKEND_ERROR_CODES,
  CorbadoBackendConfigError,
  CorbadoBackendError,
  type CorbadoBackendErrorCode,
} from './errors';
