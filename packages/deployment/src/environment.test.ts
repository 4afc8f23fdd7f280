import { describe, expect, it } from 'vitest';

import {
  ENV,
  ENV_DEFAULTS,
  HANDLER_NAMES,
  MAX_CORBADO_TIMEOUT_MS,
  TIME_BUDGET,
  timeBudgetProblems,
} from './environment';
import { HANDLERS, TRIGGER_MAP } from './handlers';
import { describePasswordPolicy, USER_POOL } from './user-pool';

describe('the verify trigger time budget', () => {
  it('holds for the defaults', () => {
    expect(
      timeBudgetProblems({
        handlerTimeoutMs: HANDLERS['verify-auth-challenge-response'].timeoutSeconds * 1000,
        corbadoTimeoutMs: ENV_DEFAULTS[ENV.corbadoTimeoutMs],
      }),
    ).toEqual([]);
  });

  it('holds for the longest Corbado timeout the handlers accept, and not one ms beyond', () => {
    const handlerTimeoutMs = TIME_BUDGET.verifyHandlerTimeoutMs;
    expect(timeBudgetProblems({ handlerTimeoutMs, corbadoTimeoutMs: MAX_CORBADO_TIMEOUT_MS })).toEqual([]);
    expect(
      timeBudgetProblems({ handlerTimeoutMs, corbadoTimeoutMs: MAX_CORBADO_TIMEOUT_MS + 1 }),
    ).toHaveLength(1);
  });

  it("refuses the earlier defaults (3000 ms within a 4 s function) and a timeout at Cognito's", () => {
    expect(timeBudgetProblems({ handlerTimeoutMs: 4000, corbadoTimeoutMs: 3000 })).toHaveLength(1);
    expect(timeBudgetProblems({ handlerTimeoutMs: 5000, corbadoTimeoutMs: 1000 })).toHaveLength(1);
  });

  it("keeps every function inside Cognito's trigger timeout", () => {
    for (const name of HANDLER_NAMES)
      expect(HANDLERS[name].timeoutSeconds * 1000).toBeLessThan(TIME_BUDGET.cognitoTriggerTimeoutMs);
  });
});

describe('the definition', () => {
  it('attaches each function to one trigger', () => {
    expect(TRIGGER_MAP).toEqual({
      DefineAuthChallenge: 'define-auth-challenge',
      CreateAuthChallenge: 'create-auth-challenge',
      VerifyAuthChallengeResponse: 'verify-auth-challenge-response',
    });
  });

  it('describes the password rules it enforces', () => {
    expect(describePasswordPolicy(USER_POOL.passwordPolicy)[0]).toBe(
      `at least ${USER_POOL.passwordPolicy.minLength} characters`,
    );
    expect(
      describePasswordPolicy({ ...USER_POOL.passwordPolicy, requireSymbols: false, requireDigits: false }),
    ).toHaveLength(3);
  });
});
