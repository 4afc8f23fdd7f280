// The operator's view: a CloudWatch dashboard over the metrics the triggers emit (METRICS of
// @cognito-passkeys/deployment) and the functions' own Lambda metrics, and the alarms that page someone.
// Over 300 lines on purpose: the props, the alarms and the dashboard's widgets share one set of metric
// definitions and thresholds, and each widget is a short declaration.
import {
  METRICS,
  PASSKEY_MODES,
  PASSKEYS_BLOCKED_ATTRIBUTE,
  TIME_BUDGET,
  type FailureOutcome,
  type HandlerName,
} from '@cognito-passkeys/deployment';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

import { CorbadoPasskeysConfigError } from './errors';

/** The dashboard and the alarms; every figure has a default, and the topic is yours to create. */
export interface CorbadoPasskeysMonitoring {
  /**
   * Where the alarms report (on alarm and on recovery). Create it yourself, encrypted as your account
   * requires, with the subscriptions you want; the alarms are created either way (`monitoring.alarms`).
   * @default no action: the alarms show on the dashboard and in the CloudWatch console only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The dashboard's name.
   * @default a name CloudFormation generates (output `DashboardName`)
   */
  readonly dashboardName?: string;
  /**
   * The sign-in success rate (accepted passkey answers among all answers, in %) below which the
   * success-rate alarm fires.
   * @default 90
   */
  readonly successRateThresholdPercent?: number;
  /**
   * The fewest passkey answers in one period for the success rate to count: below it the alarm reads the
   * period as healthy, so a quiet pool with one typo does not page anyone.
   * @default 10
   */
  readonly minimumSignInAnswers?: number;
  /**
   * The verify trigger's p99 latency, in ms, at or above which the latency alarm fires.
   * @default 3200: 80% of the verify function's 4 s timeout (itself inside Cognito's 5 s)
   */
  readonly verifyLatencyP99ThresholdMs?: number;
  /**
   * The share of Backend API calls that fail, in %, at or above which the Backend API alarm fires.
   * @default 5
   */
  readonly backendErrorRateThresholdPercent?: number;
  /**
   * The fewest Backend API calls in one period for the error rate to count.
   * @default 10
   */
  readonly minimumBackendCalls?: number;
  /**
   * Lambda errors plus throttles of the three triggers in one period at or above which the trigger alarm
   * fires. Each one is a sign-in Cognito failed (the handlers answer every refusal themselves, so an
   * error is a crash, a timeout or missing capacity).
   * @default 1
   */
  readonly triggerErrorThreshold?: number;
  /**
   * How many periods (of 5 minutes) the success-rate, latency and Backend API alarms look at, and in how
   * many of them the figure must be bad to fire.
   * @default { evaluationPeriods: 3, datapointsToAlarm: 2 }
   */
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

/** What the monitoring creates. */
export interface PasskeysMonitoring {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: {
    /** Accepted passkey answers below the threshold share, with enough answers to judge. */
    readonly signInSuccessRate: cloudwatch.Alarm;
    /** The verify trigger's p99 latency at or above the threshold. */
    readonly verifyLatency: cloudwatch.Alarm;
    /** Failed Backend API calls at or above the threshold share, with enough calls to judge. */
    readonly backendErrorRate: cloudwatch.Alarm;
    /** Lambda errors and throttles of the trigger functions. */
    readonly triggerErrors: cloudwatch.Alarm;
  };
}

/** One data point per 5 minutes: enough sign-ins per point to judge a rate, fast enough to page. */
const PERIOD = Duration.minutes(5);

/**
 * Failure outcomes that are not a failed passkey answer, left out of the success rate: the per-user block
 * and the kill switch refuse on purpose, and `attempts_exhausted` follows answers already counted.
 */
export const OUTCOMES_OUTSIDE_SUCCESS_RATE: readonly FailureOutcome[] = [
  'user_blocked',
  'passkeys_disabled',
  'attempts_exhausted',
];

/** The outcomes the success rate counts as failed answers. */
export const SUCCESS_RATE_OUTCOMES: readonly FailureOutcome[] = METRICS.failureOutcomes.filter(
  (outcome) => !OUTCOMES_OUTSIDE_SUCCESS_RATE.includes(outcome),
);

/** An alarm on metric math may reference at most 10 metrics (CloudWatch quota; it cannot be raised). */
export const MAX_ALARM_METRICS = 10;

const DEFAULTS = {
  successRateThresholdPercent: 90,
  minimumSignInAnswers: 10,
  verifyLatencyP99ThresholdMs: 0.8 * TIME_BUDGET.verifyHandlerTimeoutMs,
  backendErrorRateThresholdPercent: 5,
  minimumBackendCalls: 10,
  triggerErrorThreshold: 1,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
} as const;

type Figures = { -readonly [K in keyof typeof DEFAULTS]: number };

/** The figures with defaults filled in; a figure out of range fails synthesis with `invalid_monitoring`. */
export function parseMonitoring(monitoring: CorbadoPasskeysMonitoring): Figures {
  const figures: Figures = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Figures)[]) {
    const value = monitoring[key];
    if (value !== undefined) figures[key] = value;
  }
  const fail = (what: string): never => {
    throw new CorbadoPasskeysConfigError('invalid_monitoring', `CorbadoPasskeys: monitoring.${what}`);
  };
  const isPositiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;
  for (const key of ['successRateThresholdPercent', 'backendErrorRateThresholdPercent'] as const)
    if (!(figures[key] > 0 && figures[key] <= 100)) fail(`${key} must be a percentage above 0, at most 100`);
  for (const key of [
    'minimumSignInAnswers',
    'minimumBackendCalls',
    'triggerErrorThreshold',
    'evaluationPeriods',
    'datapointsToAlarm',
  ] as const)
    if (!isPositiveInteger(figures[key])) fail(`${key} must be a positive integer`);
  if (figures.datapointsToAlarm > figures.evaluationPeriods)
    fail('datapointsToAlarm must not exceed evaluationPeriods');
  const latency = figures.verifyLatencyP99ThresholdMs;
  if (!(latency > 0 && latency <= TIME_BUDGET.cognitoTriggerTimeoutMs))
    fail(
      `verifyLatencyP99ThresholdMs must be above 0 and at most Cognito's ${TIME_BUDGET.cognitoTriggerTimeoutMs} ms`,
    );
  if (monitoring.dashboardName !== undefined && !/^[\w-]{1,255}$/.test(monitoring.dashboardName))
    fail('dashboardName must be 1–255 letters, digits, - or _');
  return figures;
}

/** One of the triggers' metrics, with the `service` dimension every one of them carries. */
function passkeyMetric(
  metricName: string,
  options: { dimensions?: Record<string, string>; statistic?: string; label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { [METRICS.dimensions.service]: METRICS.service, ...options.dimensions },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: PERIOD,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
}

const failedMetric = (outcome: FailureOutcome) =>
  passkeyMetric(METRICS.names.signInFailed, {
    dimensions: { [METRICS.dimensions.outcome]: outcome },
    label: outcome,
  });

const backendErrorMetric = (reason: string) =>
  passkeyMetric(METRICS.names.backendApiErrors, {
    dimensions: { [METRICS.dimensions.reason]: reason },
    label: reason,
  });

/** A sum of counts in which a series with no data point counts 0 (a missing point would drop the sum's). */
function sumOf(label: string, metrics: Record<string, cloudwatch.IMetric>): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: Object.keys(metrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics: metrics,
    label,
    period: PERIOD,
  });
}

/** A metric-math id from a name with `-` (ids are letters, digits and `_`, starting lower-case). */
const mathId = (prefix: string, name: string) => `${prefix}_${name.replace(/-/g, '_')}`;

function metricsReferenced(expression: cloudwatch.IMetric): number {
  if (!(expression instanceof cloudwatch.MathExpression)) return 1;
  return Object.values(expression.usingMetrics).reduce((n, m) => n + metricsReferenced(m), 0);
}

function checkAlarmMetric(expression: cloudwatch.MathExpression): cloudwatch.MathExpression {
  // The limit is CloudWatch's; the definition's lists decide how many metrics an expression needs, so a
  // longer list must fail here rather than at deploy time.
  const count = metricsReferenced(expression);
  if (count > MAX_ALARM_METRICS)
    throw new Error(
      `an alarm expression references ${count} metrics; CloudWatch allows ${MAX_ALARM_METRICS}`,
    );
  return expression;
}

export interface MonitoringInputs {
  readonly functions: Record<HandlerName, lambda.IFunction>;
  readonly passkeyModeParameterName: string;
  readonly monitoring: CorbadoPasskeysMonitoring;
  readonly figures: Figures;
}

/** The dashboard and the alarms, in one construct (`Monitoring`) under the passkeys construct. */
export function createMonitoring(scope: Construct, inputs: MonitoringInputs): PasskeysMonitoring {
  const self = new Construct(scope, 'Monitoring');
  const { figures, functions } = inputs;
  const handlers = Object.keys(functions) as HandlerName[];

  // Sign-in success rate: accepted answers / (accepted + failed answers).
  const succeeded = sumOf('accepted answers', {
    succeeded: passkeyMetric(METRICS.names.signInSucceeded),
  });
  const failed = sumOf(
    'failed answers',
    Object.fromEntries(SUCCESS_RATE_OUTCOMES.map((outcome) => [mathId('f', outcome), failedMetric(outcome)])),
  );
  const successRate = new cloudwatch.MathExpression({
    expression: '100 * ok / (ok + failed)',
    usingMetrics: { ok: succeeded, failed },
    label: 'success rate (%)',
    period: PERIOD,
  });
  const successRateForAlarm = checkAlarmMetric(
    new cloudwatch.MathExpression({
      // Too few answers to judge: read as healthy (100), not as missing, so the alarm's state stays OK.
      expression: `IF(ok + failed >= ${figures.minimumSignInAnswers}, 100 * ok / (ok + failed), 100)`,
      usingMetrics: { ok: succeeded, failed },
      label: `success rate (%), ${figures.minimumSignInAnswers}+ answers`,
      period: PERIOD,
    }),
  );

  // Backend API error rate: failed calls / calls.
  const backendErrors = sumOf(
    'failed calls',
    Object.fromEntries(
      METRICS.backendErrorReasons.map((reason) => [mathId('e', reason), backendErrorMetric(reason)]),
    ),
  );
  const backendCalls = sumOf('calls', { calls: passkeyMetric(METRICS.names.backendApiCalls) });
  const backendErrorRate = new cloudwatch.MathExpression({
    expression: '100 * errors / total',
    usingMetrics: { errors: backendErrors, total: backendCalls },
    label: 'Backend API error rate (%)',
    period: PERIOD,
  });
  const backendErrorRateForAlarm = checkAlarmMetric(
    new cloudwatch.MathExpression({
      expression: `IF(total >= ${figures.minimumBackendCalls}, 100 * errors / total, 0)`,
      usingMetrics: { errors: backendErrors, total: backendCalls },
      label: `Backend API error rate (%), ${figures.minimumBackendCalls}+ calls`,
      period: PERIOD,
    }),
  );

  const verifyP99 = passkeyMetric(METRICS.names.verifyLatency, {
    statistic: cloudwatch.Stats.p(99),
    label: 'p99',
  });
  const verifyP50 = passkeyMetric(METRICS.names.verifyLatency, {
    statistic: cloudwatch.Stats.p(50),
    label: 'p50',
  });

  const lambdaMetric = (handler: HandlerName, kind: 'errors' | 'throttles') => {
    const options = { period: PERIOD, statistic: cloudwatch.Stats.SUM, label: `${handler} ${kind}` };
    return kind === 'errors'
      ? functions[handler].metricErrors(options)
      : functions[handler].metricThrottles(options);
  };
  const triggerErrors = checkAlarmMetric(
    sumOf(
      'trigger errors and throttles',
      Object.fromEntries(
        handlers.flatMap((handler) => [
          [mathId('errors', handler), lambdaMetric(handler, 'errors')],
          [mathId('throttles', handler), lambdaMetric(handler, 'throttles')],
        ]),
      ),
    ),
  );

  const evaluation = {
    evaluationPeriods: figures.evaluationPeriods,
    datapointsToAlarm: figures.datapointsToAlarm,
    // No sign-ins is not a failure.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const alarms = {
    signInSuccessRate: new cloudwatch.Alarm(self, 'SignInSuccessRate', {
      metric: successRateForAlarm,
      threshold: figures.successRateThresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      ...evaluation,
      alarmDescription:
        `Passkey sign-in success rate below ${figures.successRateThresholdPercent}% ` +
        `(periods with ${figures.minimumSignInAnswers} or more answers). See "Sign-in failures by outcome" ` +
        `on the dashboard; to turn passkeys off: put ${inputs.passkeyModeParameterName} = off.`,
    }),
    verifyLatency: new cloudwatch.Alarm(self, 'VerifyLatency', {
      metric: verifyP99,
      threshold: figures.verifyLatencyP99ThresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...evaluation,
      alarmDescription:
        `The verify trigger's p99 latency is at or above ${figures.verifyLatencyP99ThresholdMs} ms; ` +
        `Cognito gives a trigger ${TIME_BUDGET.cognitoTriggerTimeoutMs} ms. Usually a slow Backend API.`,
    }),
    backendErrorRate: new cloudwatch.Alarm(self, 'BackendErrorRate', {
      metric: backendErrorRateForAlarm,
      threshold: figures.backendErrorRateThresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...evaluation,
      alarmDescription:
        `Corbado Backend API calls failing at ${figures.backendErrorRateThresholdPercent}% or more ` +
        `(periods with ${figures.minimumBackendCalls} or more calls). "Backend API errors by reason" on ` +
        'the dashboard tells a wrong secret (unauthorized) from an outage (timeout, server_error).',
    }),
    triggerErrors: new cloudwatch.Alarm(self, 'TriggerErrors', {
      metric: triggerErrors,
      threshold: figures.triggerErrorThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Any error is a sign-in Cognito failed: one period is enough.
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `The trigger functions had ${figures.triggerErrorThreshold} or more Lambda errors or throttles ` +
        "in 5 minutes: each is a sign-in Cognito failed. See the functions' log groups.",
    }),
  };
  if (inputs.monitoring.alarmTopic) {
    const action = new actions.SnsAction(inputs.monitoring.alarmTopic);
    for (const alarm of Object.values(alarms)) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  const budget = (value: number, label: string, color: string): cloudwatch.HorizontalAnnotation => ({
    value,
    label,
    color,
  });
  const dashboard = new cloudwatch.Dashboard(self, 'Dashboard', {
    ...(inputs.monitoring.dashboardName === undefined
      ? {}
      : { dashboardName: inputs.monitoring.dashboardName }),
    defaultInterval: Duration.days(1),
    widgets: [
      [
        new cloudwatch.TextWidget({
          markdown:
            '## Passkey sign-in\n' +
            `Kill switch: SSM parameter \`${inputs.passkeyModeParameterName}\` ` +
            `(${PASSKEY_MODES.map((mode) => `\`${mode}\``).join(' | ')}). Per-user block: ` +
            `\`${PASSKEYS_BLOCKED_ATTRIBUTE.attribute} = ${PASSKEYS_BLOCKED_ATTRIBUTE.blockedValue}\`.`,
          width: 24,
          height: 2,
        }),
      ],
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms',
          alarms: Object.values(alarms),
          width: 24,
          height: 2,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Sign-in success rate (accepted / all passkey answers)',
          left: [successRate],
          leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
          leftAnnotations: [
            budget(figures.successRateThresholdPercent, 'alarm threshold', cloudwatch.Color.RED),
          ],
          right: [
            passkeyMetric(METRICS.names.signInStarted, { label: 'sign-ins started' }),
            passkeyMetric(METRICS.names.signInSucceeded, { label: 'accepted' }),
          ],
          rightYAxis: { min: 0, label: 'count', showUnits: false },
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Sign-in failures by outcome',
          left: METRICS.failureOutcomes.map(failedMetric),
          leftYAxis: { min: 0, label: 'count', showUnits: false },
          stacked: true,
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Verify latency (ms)',
          left: [verifyP99, verifyP50],
          leftYAxis: {
            min: 0,
            max: TIME_BUDGET.cognitoTriggerTimeoutMs + 500,
            label: 'ms',
            showUnits: false,
          },
          leftAnnotations: [
            budget(TIME_BUDGET.cognitoTriggerTimeoutMs, "Cognito's 5 s trigger budget", cloudwatch.Color.RED),
            budget(TIME_BUDGET.verifyHandlerTimeoutMs, 'verify function timeout', cloudwatch.Color.ORANGE),
            budget(figures.verifyLatencyP99ThresholdMs, 'p99 alarm threshold', cloudwatch.Color.GREY),
          ],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Backend API error rate (failed / all calls)',
          left: [backendErrorRate],
          leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
          leftAnnotations: [
            budget(figures.backendErrorRateThresholdPercent, 'alarm threshold', cloudwatch.Color.RED),
          ],
          right: [passkeyMetric(METRICS.names.backendApiCalls, { label: 'calls' })],
          rightYAxis: { min: 0, label: 'count', showUnits: false },
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Backend API errors by reason',
          left: METRICS.backendErrorReasons.map(backendErrorMetric),
          leftYAxis: { min: 0, label: 'count', showUnits: false },
          stacked: true,
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Cold starts',
          left: handlers.map((handler) =>
            passkeyMetric(METRICS.names.coldStart, {
              dimensions: { function_name: functions[handler].functionName },
              label: handler,
            }),
          ),
          leftYAxis: { min: 0, label: 'count', showUnits: false },
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Trigger functions: Lambda errors and throttles',
          left: handlers.flatMap((handler) => [
            lambdaMetric(handler, 'errors'),
            lambdaMetric(handler, 'throttles'),
          ]),
          leftYAxis: { min: 0, label: 'count', showUnits: false },
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Trigger functions: duration p99 (ms)',
          left: handlers.map((handler) =>
            functions[handler].metricDuration({
              period: PERIOD,
              statistic: cloudwatch.Stats.p(99),
              label: handler,
            }),
          ),
          leftYAxis: { min: 0, label: 'ms', showUnits: false },
          leftAnnotations: [
            budget(TIME_BUDGET.cognitoTriggerTimeoutMs, "Cognito's 5 s trigger budget", cloudwatch.Color.RED),
          ],
          width: 12,
        }),
      ],
    ],
  });

  return { dashboard, alarms };
}
