import {
  createCorbadoBackend,
  type CorbadoBackend,
  type VerificationResult,
} from '@cognito-passkeys/corbado-backend';

import type { SecretSource } from '../ssm-secret';

/** signedPasskeyData is a compact JWS of a few hundred bytes; anything far larger is not one. */
export const MAX_ANSWER_BYTES = 8 * 1024;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type AnswerOutcome =
  | VerificationResult
  | 'user_not_found'
  | 'missing_answer'
  | 'oversized_answer'
  | 'not_a_jwt'
  | 'verification_unavailable';

export interface VerifyPasskeyAnswerInput {
  /** `event.request.challengeAnswer`: the signedPasskeyData from the browser. */
  answer: unknown;
  /** `event.userName`: the Cognito username the passkey must belong to. */
  username: string;
  userNotFound: boolean;
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
 * Decides one passkey answer. Obviously bad answers are refused without a network call; everything else
 * is Corbado's call (signature, expiry, single use, username). Fails closed: only `success` is true.
 *
 * An unknown user (`userNotFound`, set when the app client prevents user-existence errors) takes the same
 * path: the same checks, the secret, the Backend API call with the answer. Only then is the answer
 * refused, whatever Corbado said, so neither the answer nor its timing tells who has an account.
 */
export async function verifyPasskeyAnswer(
  input: VerifyPasskeyAnswerInput,
  corbado: CorbadoBackendFactory,
): Promise<{ answerCorrect: boolean; outcome: AnswerOutcome; error?: unknown }> {
  const { answer } = input;
  if (typeof answer !== 'string' || answer.length === 0)
    return { answerCorrect: false, outcome: 'missing_answer' };
  if (Buffer.byteLength(answer) > MAX_ANSWER_BYTES)
    return { answerCorrect: false, outcome: 'oversized_answer' };
  if (!COMPACT_JWS.test(answer)) return { answerCorrect: false, outcome: 'not_a_jwt' };

  let result: VerificationResult;
  try {
    const backend = await corbado();
    result = await backend.verifySignedPasskeyData({ signedPasskeyData: answer, username: input.username });
  } catch (error) {
    return { answerCorrect: false, outcome: 'verification_unavailable', error };
  }
  if (input.userNotFound) return { answerCorrect: false, outcome: 'user_not_found' };
  return { answerCorrect: result === 'success', outcome: result };
}
