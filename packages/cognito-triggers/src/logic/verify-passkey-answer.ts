import {
  createCorbadoBackend,
  type CorbadoBackend,
  type VerificationResult,
} from '@cognito-passkeys/corbado-backend';

import type { SecretSource } from '../ssm-parameter';

/** signedPasskeyData is a compact JWS of a few hundred bytes; anything far larger is not one. */
export const MAX_ANSWER_BYTES = 8 * 1024;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type AnswerOutcome =
  | VerificationResult
  | 'user_not_found'
  | 'missing_answer'
  | 'oversized_answer'
  | 'not_a_jwt'
  | 'verification_unavailable'
  | 'user_blocked';

export interface VerifyPasskeyAnswerInput {
  /** `event.request.challengeAnswer`: the signedPasskeyData from the browser. */
  answer: unknown;
  /** `event.userName`: the Cognito username the passkey must belong to. */
  username: string;
  userNotFound: boolean;
  /** Whether an administrator blocked this user's passkeys (`custom:passkeys_blocked` = `true`). */
  blocked: boolean;
}

export interface VerifyPasskeyAnswerResult {
  answerCorrect: boolean;
  outcome: AnswerOutcome;
  /** Why verification was unavailable: the secret read's or the Backend API call's error. */
  error?: unknown;
  /** Whether the Backend API was called (whatever came of it). */
  backendCalled: boolean;
}

/** The port to Corbado's Backend API; the default builds the real client with the secret from SSM. */
export type CorbadoBackendFactory = () => Promise<Pick<CorbadoBackend, 'verifySignedPasskeyData'>>;

export function corbadoBackendFromSecret(options: {
  baseUrl: string;
  projectId: string;
  timeoutMs: number;
  apiSecret: SecretSource;
}): CorbadoBackendFactory {
  return async () =>
    createCorbadoBackend({
      baseUrl: options.baseUrl,
      projectId: options.projectId,
      timeoutMs: options.timeoutMs,
      apiSecret: await options.apiSecret.get(),
    });
}

/**
 * Decides one passkey answer. A blocked user's answers and obviously bad answers are refused without a
 * network call; everything else is Corbado's call (signature, expiry, single use, username). Fails closed:
 * only `success` is true.
 *
 * A blocked user is refused at once, before the answer is looked at: the quicker refusal may tell an
 * attacker that this user is blocked, which is harmless next to spending a Backend API call on every
 * answer of a user whose passkeys an administrator switched off (and the block is an administrator's
 * reaction to abuse, when calls are the cost to keep down).
 *
 * An unknown user (`userNotFound`, set when the app client prevents user-existence errors) takes the same
 * path: the same checks, the secret, the Backend API call with the answer. Only then is the answer
 * refused, whatever Corbado said, so neither the answer nor its timing tells who has an account.
 */
export async function verifyPasskeyAnswer(
  input: VerifyPasskeyAnswerInput,
  corbado: CorbadoBackendFactory,
): Promise<VerifyPasskeyAnswerResult> {
  const { answer } = input;
  const refuse = (outcome: AnswerOutcome) => ({ answerCorrect: false, outcome, backendCalled: false });
  if (input.blocked) return refuse('user_blocked');
  if (typeof answer !== 'string' || answer.length === 0) return refuse('missing_answer');
  if (Buffer.byteLength(answer) > MAX_ANSWER_BYTES) return refuse('oversized_answer');
  if (!COMPACT_JWS.test(answer)) return refuse('not_a_jwt');

  let backend: Awaited<ReturnType<CorbadoBackendFactory>>;
  try {
    backend = await corbado();
  } catch (error) {
    return { ...refuse('verification_unavailable'), error };
  }
  let result: VerificationResult;
  try {
    result = await backend.verifySignedPasskeyData({ signedPasskeyData: answer, username: input.username });
  } catch (error) {
    return { answerCorrect: false, outcome: 'verification_unavailable', error, backendCalled: true };
  }
  if (input.userNotFound) return { answerCorrect: false, outcome: 'user_not_found', backendCalled: true };
  return { answerCorrect: result === 'success', outcome: result, backendCalled: true };
}
