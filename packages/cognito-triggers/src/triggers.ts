import { PASSKEYS_BLOCKED_ATTRIBUTE, passkeyLoginAllowed } from '@cognito-passkeys/deployment/operations';
import { CorbadoBackendError } from '@cognito-passkeys/corbado-backend';
import type {
  CreateAuthChallengeTriggerHandler,
  DefineAuthChallengeTriggerHandler,
  VerifyAuthChallengeResponseTriggerHandler,
} from 'aws-lambda';

import type { DefineConfig } from './config/env';
import { describeError, type LogPort } from './logger';
import { applyPasskeyMode, decideNextChallenge, needsPasskeyMode } from './logic/decide-next-challenge';
import { PASSKEY_CHALLENGE_METADATA, PASSKEY_PUBLIC_PARAMETERS } from './logic/passkey-challenge';
import { verifyPasskeyAnswer, type CorbadoBackendFactory } from './logic/verify-passkey-answer';
import type { TriggerMetrics } from './metrics';
import type { PasskeyModeSource } from './passkey-mode';

/**
 * Define auth challenge: orchestrates the flow (see decideNextChallenge), under the kill switch (the
 * passkey mode, read only for a sign-in that would go on).
 */
export function createDefineAuthChallengeHandler(
  config: Pick<DefineConfig, 'maxPasskeyAttempts'>,
  ports: {
    logger: Pick<LogPort, 'info'>;
    passkeyMode: PasskeyModeSource;
    metrics: TriggerMetrics;
  },
): DefineAuthChallengeTriggerHandler {
  const { logger, passkeyMode, metrics } = ports;
  return (event, context) =>
    metrics.invocation(context?.functionName, async () => {
      const session = event.request.session ?? [];
      let next = decideNextChallenge(session, config.maxPasskeyAttempts);
      const mode = needsPasskeyMode(next) ? await passkeyMode.get() : undefined;
      if (mode !== undefined) next = applyPasskeyMode(next, passkeyLoginAllowed(mode));

      event.response.issueTokens = next.kind === 'issue_tokens';
      event.response.failAuthentication = next.kind === 'fail';
      if (next.kind === 'challenge') event.response.challengeName = 'CUSTOM_CHALLENGE';

      if (next.kind === 'challenge' && session.length === 0) metrics.count('PasskeySignInStarted');
      // A foreign challenge is not a passkey sign-in, so it is no passkey failure either.
      if (next.kind === 'fail' && next.reason !== 'foreign_challenge') metrics.signInFailed(next.reason);
      logger.info('define-auth-challenge', {
        next: next.kind,
        ...(next.kind === 'fail' ? { reason: next.reason } : {}),
        ...(mode === undefined ? {} : { mode }),
        attempts: session.length,
      });
      return event;
    });
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
 * whether it is a genuine, unused passkey login of `event.userName`. A user whose passkeys an
 * administrator blocked is refused without a call. Any failure answers false.
 */
export function createVerifyAuthChallengeResponseHandler(
  corbado: CorbadoBackendFactory,
  ports: {
    logger: Pick<LogPort, 'info' | 'warn'>;
    metrics: TriggerMetrics;
  },
): VerifyAuthChallengeResponseTriggerHandler {
  const { logger, metrics } = ports;
  return (event, context) =>
    metrics.invocation(context?.functionName, async () => {
      const started = performance.now();
      try {
        const { answerCorrect, outcome, error, backendCalled } = await verifyPasskeyAnswer(
          {
            answer: event.request.challengeAnswer,
            username: event.userName,
            userNotFound: event.request.userNotFound === true,
            blocked:
              event.request.userAttributes?.[PASSKEYS_BLOCKED_ATTRIBUTE.attribute] ===
              PASSKEYS_BLOCKED_ATTRIBUTE.blockedValue,
          },
          corbado,
        );
        event.response.answerCorrect = answerCorrect;

        if (backendCalled) {
          metrics.count('CorbadoBackendApiCalls');
          if (error instanceof CorbadoBackendError) metrics.backendApiError(error.code);
        }
        if (answerCorrect) metrics.count('PasskeySignInSucceeded');
        else if (outcome !== 'success') metrics.signInFailed(outcome);

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
      } finally {
        metrics.verifyLatency(performance.now() - started);
      }
    });
}
