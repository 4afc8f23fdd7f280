// The triggers' metrics: Powertools Metrics writes them as CloudWatch embedded metric format (EMF), one
// JSON document per line on stdout, which Lambda's log pipeline turns into metrics without an API call.
// Names, namespace and dimensions are the deployment's (`METRICS`), which the dashboard and alarms read.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CorbadoBackendErrorCode } from '@cognito-passkeys/corbado-backend';
import { METRICS, type FailureOutcome } from '@cognito-passkeys/deployment/operations';

import { describeError, type LogPort } from './logger';

type Names = typeof METRICS.names;
/** The counts with the `service` dimension only. */
export type PlainCount = Names['signInStarted'] | Names['signInSucceeded'] | Names['backendApiCalls'];

/** What a handler records in one invocation; the port the handlers depend on. No method ever throws. */
export interface TriggerMetrics {
  /** Adds 1 to a count of this invocation's document. */
  count(name: PlainCount): void;
  /** Records the verify trigger's wall time. */
  verifyLatency(milliseconds: number): void;
  /** A refused answer or a failed sign-in, with its `outcome`, in a document of its own. */
  signInFailed(outcome: FailureOutcome): void;
  /** A failed Backend API call, with its `reason`, in a document of its own. */
  backendApiError(reason: CorbadoBackendErrorCode): void;
  /**
   * Runs one invocation: the cold-start metric first (Powertools emits it on the first invocation of an
   * on-demand environment only), then `run`, then publishes what `run` recorded, also when it throws.
   */
  invocation<T>(functionName: string | undefined, run: () => Promise<T>): Promise<T>;
}

/**
 * The real metrics. A metric that cannot be recorded or published is logged (`metrics_failed`) and
 * dropped: metrics never change a trigger's answer. Powertools' own warnings go to `logger` too, so every
 * line on stdout is either a log entry or an EMF document.
 */
export function createTriggerMetrics(
  logger: Pick<LogPort, 'warn'>,
  options: {
    /** The Powertools instance to record with. @default one with `METRICS.namespace` and `METRICS.service` */
    metrics?: Metrics;
  } = {},
): TriggerMetrics {
  const safely = (what: string, record: () => void) => {
    try {
      record();
    } catch (error) {
      logger.warn('metrics_failed', { metric: what, error: describeError(error) });
    }
  };
  let metrics = options.metrics;
  if (metrics === undefined)
    safely('init', () => {
      metrics = new Metrics({
        namespace: METRICS.namespace,
        serviceName: METRICS.service,
        logger: {
          debug: () => undefined,
          info: () => undefined,
          // Powertools' own texts (a dimension overwritten, a timestamp out of range): no event data.
          warn: (message: unknown) => logger.warn('metrics_warning', { detail: String(message) }),
          error: (message: unknown) => logger.warn('metrics_warning', { detail: String(message) }),
        },
      });
    });
  const withDimension = (name: string, dimension: string, value: string) =>
    safely(name, () => {
      metrics?.singleMetric().addDimension(dimension, value).addMetric(name, MetricUnit.Count, 1);
    });

  return {
    count(name) {
      safely(name, () => metrics?.addMetric(name, MetricUnit.Count, 1));
    },
    verifyLatency(milliseconds) {
      safely(METRICS.names.verifyLatency, () =>
        metrics?.addMetric(METRICS.names.verifyLatency, MetricUnit.Milliseconds, milliseconds),
      );
    },
    signInFailed(outcome) {
      withDimension(METRICS.names.signInFailed, METRICS.dimensions.outcome, outcome);
    },
    backendApiError(reason) {
      withDimension(METRICS.names.backendApiErrors, METRICS.dimensions.reason, reason);
    },
    async invocation(functionName, run) {
      safely(METRICS.names.coldStart, () => metrics?.captureColdStartMetric(functionName));
      try {
        return await run();
      } finally {
        safely('publish', () => {
          if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
        });
      }
    },
  };
}
