import { HANDLER_ENV, TIME_BUDGET, type EnvKey, type HandlerName } from './environment';

/** The user pool triggers, by their `LambdaConfig` names. */
export type TriggerName = 'DefineAuthChallenge' | 'CreateAuthChallenge' | 'VerifyAuthChallengeResponse';

export interface HandlerDefinition {
  /** The pool trigger the function is attached to. */
  readonly trigger: TriggerName;
  /** The Lambda timeout, inside Cognito's 5 s for a trigger. */
  readonly timeoutSeconds: number;
  /** The Lambda memory size. */
  readonly memoryMb: number;
  /** The environment keys the function is given: exactly these. */
  readonly environment: readonly EnvKey[];
  /** Whether it reads the Corbado API secret from SSM (its role may `ssm:GetParameter` that one parameter). */
  readonly readsCorbadoApiSecret: boolean;
  /** Whether it reads the passkey mode from SSM (its role may `ssm:GetParameter` that one parameter). */
  readonly readsPasskeyMode: boolean;
}

/** The three trigger functions: what the CDK construct creates and what local-aws runs. */
export const HANDLERS = {
  'define-auth-challenge': {
    trigger: 'DefineAuthChallenge',
    timeoutSeconds: 3,
    memoryMb: 256,
    environment: HANDLER_ENV['define-auth-challenge'],
    readsCorbadoApiSecret: false,
    readsPasskeyMode: true,
  },
  'create-auth-challenge': {
    trigger: 'CreateAuthChallenge',
    timeoutSeconds: 3,
    memoryMb: 256,
    environment: HANDLER_ENV['create-auth-challenge'],
    readsCorbadoApiSecret: false,
    readsPasskeyMode: false,
  },
  'verify-auth-challenge-response': {
    trigger: 'VerifyAuthChallengeResponse',
    timeoutSeconds: TIME_BUDGET.verifyHandlerTimeoutMs / 1000,
    memoryMb: 256,
    environment: HANDLER_ENV['verify-auth-challenge-response'],
    readsCorbadoApiSecret: true,
    readsPasskeyMode: false,
  },
} as const satisfies Record<HandlerName, HandlerDefinition>;

/** The pool's trigger map: trigger → function name. */
export const TRIGGER_MAP = Object.fromEntries(
  (Object.entries(HANDLERS) as [HandlerName, HandlerDefinition][]).map(([name, handler]) => [
    handler.trigger,
    name,
  ]),
) as Record<TriggerName, HandlerName>;
