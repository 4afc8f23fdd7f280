import { CORBADO_BACKEND_ERROR_CODES, VERIFICATION_RESULTS } from '@cognito-passkeys/corbado-backend';
import { METRICS, type FailureOutcome } from '@cognito-passkeys/deployment/operations';
import { describe, expect, it } from 'vitest';

import type { AnswerOutcome } from './logic/verify-passkey-answer';

// The deployment's metric values are plain data (the dashboard and alarms read them without importing this
// package); these checks keep them equal to what the triggers can actually emit.

/** Every refused answer's outcome has a line on the dashboard: fails to compile when one is missing. */
type Unlisted = Exclude<Exclude<AnswerOutcome, 'success'>, FailureOutcome>;
const everyOutcomeListed: [Unlisted] extends [never] ? true : Unlisted = true;

describe("the deployment's metric values", () => {
  it('list every Backend API error code as a reason, and nothing else', () => {
    expect([...METRICS.backendErrorReasons].sort()).toEqual([...CORBADO_BACKEND_ERROR_CODES].sort());
  });

  it('list every Backend API verification result but success as an outcome', () => {
    expect(everyOutcomeListed).toBe(true);
    const listed: readonly string[] = METRICS.failureOutcomes;
    expect(VERIFICATION_RESULTS.filter((result) => result !== 'success' && !listed.includes(result))).toEqual(
      [],
    );
  });
});
