import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS } from '@cognito-passkeys/deployment/operations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { captureStdout } from '../test/fixtures/emf';
import { createTriggerMetrics } from './metrics';

function recordingLogger() {
  const lines: { message: string; extra: unknown }[] = [];
  return { lines, warn: (message: string, extra?: unknown) => void lines.push({ message, extra }) };
}

const SERVICE_ONLY = {
  namespace: METRICS.namespace,
  dimensionSets: [['service']],
  dimensions: { service: METRICS.service },
};

let stdout: ReturnType<typeof captureStdout>;
beforeEach(() => {
  stdout = captureStdout();
});
afterEach(() => {
  stdout.stop();
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
});

describe('createTriggerMetrics', () => {
  it("publishes an invocation's counts and latency in one document at its end", async () => {
    const metrics = createTriggerMetrics(recordingLogger());
    await metrics.invocation('fn', () => {
      metrics.count('CorbadoBackendApiCalls');
      metrics.count('PasskeySignInSucceeded');
      metrics.verifyLatency(42.5);
      expect(stdout.emitted()).toEqual([]);
      return Promise.resolve();
    });
    expect(stdout.emitted()).toEqual([
      {
        ...SERVICE_ONLY,
        metrics: {
          CorbadoBackendApiCalls: { unit: 'Count', value: 1 },
          PasskeySignInSucceeded: { unit: 'Count', value: 1 },
          PasskeyVerifyLatency: { unit: 'Milliseconds', value: 42.5 },
        },
      },
    ]);
  });

  it('puts an outcome or a reason in a document of its own, so the dimension stays off the others', async () => {
    const metrics = createTriggerMetrics(recordingLogger());
    await metrics.invocation('fn', () => {
      metrics.count('CorbadoBackendApiCalls');
      metrics.backendApiError('timeout');
      metrics.signInFailed('verification_unavailable');
      return Promise.resolve();
    });
    expect(stdout.emitted()).toEqual([
      {
        namespace: METRICS.namespace,
        dimensionSets: [['service', 'reason']],
        dimensions: { service: METRICS.service, reason: 'timeout' },
        metrics: { CorbadoBackendApiErrors: { unit: 'Count', value: 1 } },
      },
      {
        namespace: METRICS.namespace,
        dimensionSets: [['service', 'outcome']],
        dimensions: { service: METRICS.service, outcome: 'verification_unavailable' },
        metrics: { PasskeySignInFailed: { unit: 'Count', value: 1 } },
      },
      { ...SERVICE_ONLY, metrics: { CorbadoBackendApiCalls: { unit: 'Count', value: 1 } } },
    ]);
  });

  it('publishes also when the invocation throws, and passes the error on', async () => {
    const metrics = createTriggerMetrics(recordingLogger());
    const failing = metrics.invocation('fn', () => {
      metrics.count('PasskeySignInStarted');
      return Promise.reject(new Error('handler failed'));
    });
    await expect(failing).rejects.toThrow('handler failed');
    expect(stdout.emitted()).toEqual([
      { ...SERVICE_ONLY, metrics: { PasskeySignInStarted: { unit: 'Count', value: 1 } } },
    ]);
  });

  it('writes nothing, not even a warning, for an invocation that recorded nothing', async () => {
    const logger = recordingLogger();
    const metrics = createTriggerMetrics(logger);
    await metrics.invocation('fn', () => Promise.resolve());
    expect(stdout.emitted()).toEqual([]);
    expect(stdout.logs()).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('counts a cold start once, on the first invocation of an on-demand environment', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const metrics = createTriggerMetrics(recordingLogger());
    await metrics.invocation('define-auth-challenge', () => Promise.resolve());
    await metrics.invocation('define-auth-challenge', () => Promise.resolve());
    expect(stdout.emitted()).toEqual([
      {
        namespace: METRICS.namespace,
        dimensionSets: [['service', 'function_name']],
        dimensions: { service: METRICS.service, function_name: 'define-auth-challenge' },
        metrics: { ColdStart: { unit: 'Count', value: 1 } },
      },
    ]);
  });

  it('logs a metric it cannot publish and keeps the answer', async () => {
    class BrokenPublisher extends Metrics {
      override publishStoredMetrics(): this {
        throw new Error('stdout is gone');
      }
    }
    const logger = recordingLogger();
    const metrics = createTriggerMetrics(logger, {
      metrics: new BrokenPublisher({ namespace: METRICS.namespace, serviceName: METRICS.service }),
    });
    const answer = await metrics.invocation('fn', () => {
      metrics.count('PasskeySignInSucceeded');
      metrics.signInFailed('user_blocked');
      return Promise.resolve('the answer');
    });
    expect(answer).toBe('the answer');
    expect(logger.lines).toEqual([
      { message: 'metrics_failed', extra: { metric: 'publish', error: { name: 'Error' } } },
    ]);
    // The outcome's own document does not depend on the invocation's.
    expect(stdout.emitted().map((emitted) => Object.keys(emitted.metrics))).toEqual([
      ['PasskeySignInFailed'],
    ]);
  });
});
