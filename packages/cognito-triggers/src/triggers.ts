import type {
  CreateAuthChallengeTriggerHandler,
  DefineAuthChallengeTriggerHandler,
  VerifyAuthChallengeResponseTriggerHandler,
} from 'aws-lambda';

import type { DefineConfig } from './config/env';
import { describeError, type LogPort } from './logger';
import { decideNextChallenge } from './logic/decide-next-challenge';
import { PASSKEY_CHALLENGE_METADATA, PASSKEY_PUBLIC_PARAMETERS } from './logic/passkey-challenge';
import { verifyPasskeyAnswer, type CorbadoBackendFactory } from './logic/verify-passkey-answer';

/** Define auth challenge: orchestrates the flow (see decideNextChallenge). */
export function createDefineAuthChallengeHandler(
  config: DefineConfig,
  logger: Pick<LogPort, 'info'>,
): DefineAuthChallengeTriggerHandler {
  return async (event) => {
    const next = decideNextChallenge(event.request.session ?? [], config.maxPasskeyAttempts);
    event.response.issueTokens = next.kind === 'issue_tokens';
    event.response.failAuthentication = next.kind === 'fail';
    if (next.kind === 'challenge') event.response.challengeName = 'CUSTOM_CHALLENGE';
    logger.info('define-auth-challenge', {
      next: next.kind,
      ...(next.kind === 'fail' ? { reason: next.reason } : {}),
      attempts: event.request.session?.length ?? 0,
    });
    return Promise.resolve(event);
  };
}

/**
 * Create auth challenge: no secret is made here (Corbado holds the WebAuthn challenge); it only marks the
 * challenge as this product's and tells the client what kind of answer is expected.
 */
export function createCreateAuthChallengeHandler(): CreateAuthChallengeTriggerHandler {
  return async (event) => {
    if (event.request.challengeName === 'CUSTOM_CHALLENGE') {
      event.response.publicChallengeParameters = { ...PASSKEY_PUBLIC_PARAMETERS };
      event.response.privateChallengeParameters = {};
      event.response.challengeMetadata = PASSKEY_CHALLENGE_METADATA;
    }
    return Promise.resolve(event);
  };
}

/**
 * Verify auth challenge response: the answer is the signedPasskeyData; Corbado's Backend API decides
 * whether it is a genuine, unused passkey login of `event.userName`. Any failure answers false.
 */
export function createVerifyAuthChallengeResponseHandler(
  corbado: CorbadoBackendFactory,
  logger: Pick<LogPort, 'info' | 'warn'>,
): VerifyAuthChallengeResponseTriggerHandler {
  return async (event) => {
    const { answerCorrect, outcome, error } = await verifyPasskeyAnswer(
      {
        answer: event.request.challengeAnswer,
        username: event.userName,
        userNotFound: event.request.userNotFound === true,
      },
      corbado,
    );
    event.response.answerCorrect = answerCorrect;
    if (error === undefined) {
      logger.info('verify-auth-challenge-response', { outcome, username: event.userName });
    } else {
      logger.warn('verify-auth-challenge-response', {
        outcome,
        username: event.userName,
        error: describeError(error),
      });
    }
    return event;
  };
}
