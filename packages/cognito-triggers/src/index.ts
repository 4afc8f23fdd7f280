export { ENV, type EnvKey } from './config/keys';
export { ENV_DEFAULTS, HANDLER_ENV, type HandlerName } from './config/env';
export { TRIGGER_ERROR_CODES, TriggerError, type TriggerErrorCode } from './errors';
export { decideNextChallenge, type ChallengeResult, type NextStep } from './logic/decide-next-challenge';
export { PASSKEY_CHALLENGE_METADATA, PASSKEY_PUBLIC_PARAMETERS } from './logic/passkey-challenge';
export { MAX_ANSWER_BYTES, verifyPasskeyAnswer, type AnswerOutcome } from './logic/verify-passkey-answer';
export { corbadoBackendFromSecret, type CorbadoBackendFactory } from './logic/verify-passkey-answer';
export { createLogger, type LogPort } from './logger';
export { createTriggerMetrics, type TriggerMetrics } from './metrics';
export { passkeyModeSource, type PasskeyModeSource } from './passkey-mode';
export { ssmParameterReader, ssmSecret, type SecretSource } from './ssm-parameter';
export {
  createCreateAuthChallengeHandler,
  createDefineAuthChallengeHandler,
  createVerifyAuthChallengeResponseHandler,
} from './triggers';
