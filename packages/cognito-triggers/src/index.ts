export { ENV, type EnvKey } from './config/keys';
export {
  ENV_DEFAULTS,
  HANDLER_ENV,
  POST_APPEND_MFA_METHODS,
  type HandlerName,
  type PostAppendMfaMethod,
} from './config/env';
export * from './actions/contract';
export { TRIGGER_ERROR_CODES, TriggerError, type TriggerErrorCode } from './errors';
export { decideNextChallenge, type ChallengeResult, type NextStep } from './logic/decide-next-challenge';
export { PASSKEY_CHALLENGE_METADATA, PASSKEY_PUBLIC_PARAMETERS } from './logic/passkey-challenge';
export { MAX_ANSWER_BYTES, verifyPasskeyAnswer, type AnswerOutcome } from './logic/verify-passkey-answer';
export { resolveUsername } from './actions/pre-login';
export { ensureMfaAfterAppend } from './actions/post-append';
