import { PASSKEY_CHALLENGE_METADATA } from './passkey-challenge';

/** One entry of `event.request.session` (Cognito Developer Guide, Define auth challenge trigger). */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string | null;
}

export type NextStep =
  | { kind: 'challenge' }
  | { kind: 'issue_tokens' }
  | { kind: 'fail'; reason: 'foreign_challenge' | 'attempts_exhausted' | 'passkeys_disabled' };

/**
 * The custom-auth state machine: the session so far → what Cognito does next.
 *
 * - An empty session starts with a passkey challenge.
 * - The last passkey answer verified → tokens.
 * - A wrong answer → another challenge, until `maxPasskeyAttempts` answers were tried in total.
 * - Any challenge in the session that is not this product's passkey challenge (SRP_A, PASSWORD_VERIFIER,
 *   SMS_MFA, another custom challenge, …) → fail: this flow never mixes with others.
 *
 * Unknown users (`userNotFound`, only set when the client prevents user-existence errors) walk the same
 * path as known ones: verify-auth-challenge-response answers false for them, so they fail after the same
 * number of attempts and the caller cannot tell the difference (Cognito's documented best practice).
 */
export function decideNextChallenge(
  session: readonly ChallengeResult[],
  maxPasskeyAttempts: number,
): NextStep {
  const foreign = session.some(
    (entry) =>
      entry.challengeName !== 'CUSTOM_CHALLENGE' || entry.challengeMetadata !== PASSKEY_CHALLENGE_METADATA,
  );
  if (foreign) return { kind: 'fail', reason: 'foreign_challenge' };

  const last = session.at(-1);
  if (last === undefined) return { kind: 'challenge' };
  if (last.challengeResult === true) return { kind: 'issue_tokens' };
  if (session.length >= maxPasskeyAttempts) return { kind: 'fail', reason: 'attempts_exhausted' };
  return { kind: 'challenge' };
}

/**
 * Whether the step needs the passkey mode: only a sign-in that would go on (another challenge, or tokens)
 * does; one that fails anyway is not slowed by a read.
 */
export function needsPasskeyMode(next: NextStep): boolean {
  return next.kind !== 'fail';
}

/**
 * The kill switch over the state machine: when the mode does not allow passkey login, a sign-in that
 * would go on fails instead, also one whose challenge was issued before the mode changed and is answered
 * after it (define runs again after each answer), so a verified answer gets no tokens.
 */
export function applyPasskeyMode(next: NextStep, passkeyLoginAllowed: boolean): NextStep {
  return needsPasskeyMode(next) && !passkeyLoginAllowed
    ? { kind: 'fail', reason: 'passkeys_disabled' }
    : next;
}
