import type { Context } from './context';
import type { Client, Pool } from './cognito-model';
import type { TriggerName } from './config';
import { ServiceError } from './errors';
import { InvokeError } from './lambda';

/** Cognito gives each trigger 5 seconds. */
const TRIGGER_TIMEOUT_SECONDS = 5;

export interface TriggerEnvelope {
  version: '1';
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

export function envelope(
  pool: Pool,
  client: Client | undefined,
  triggerSource: string,
  userName: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
): TriggerEnvelope {
  return {
    version: '1',
    triggerSource,
    region: pool.settings.region,
    userPoolId: pool.id,
    userName,
    callerContext: {
      awsSdkVersion: 'aws-sdk-unknown-unknown',
      clientId: client?.id ?? 'CLIENT_ID_NOT_APPLICABLE',
    },
    request,
    response,
  };
}

export function hasTrigger(pool: Pool, trigger: TriggerName): boolean {
  return pool.settings.lambdaConfig[trigger] !== undefined;
}

/**
 * Runs a trigger in-process and returns the event it answered (the handler's result, or the event it
 * mutated). Failures answer as Cognito does: a throwing handler is `UserLambdaValidationException`
 * ("<Trigger> failed with error …"), a timeout `UnexpectedLambdaException`, a non-object result
 * `InvalidLambdaResponseException`.
 */
export async function runTrigger(
  ctx: Context,
  pool: Pool,
  trigger: TriggerName,
  event: TriggerEnvelope,
): Promise<TriggerEnvelope> {
  const fn = pool.settings.lambdaConfig[trigger];
  if (fn === undefined) return event;
  let result: unknown;
  try {
    result = await ctx.lambdas.invoke(fn, event, TRIGGER_TIMEOUT_SECONDS);
  } catch (err) {
    if (err instanceof InvokeError && err.reason === 'timeout') {
      throw new ServiceError(
        'UnexpectedLambdaException',
        `${trigger} failed due to error Socket timeout while invoking Lambda function.`,
      );
    }
    if (err instanceof InvokeError && err.reason === 'threw') {
      throw new ServiceError('UserLambdaValidationException', `${trigger} failed with error.`);
    }
    throw new ServiceError('UnexpectedLambdaException', `${trigger} invocation failed due to configuration.`);
  }
  const answered = result ?? event;
  if (
    typeof answered !== 'object' ||
    answered === null ||
    typeof (answered as { response?: unknown }).response !== 'object'
  ) {
    throw new ServiceError('InvalidLambdaResponseException', `Invalid lambda response from ${trigger}.`);
  }
  return answered as TriggerEnvelope;
}
