import { loadVerifyConfig } from '../config/env';
import { createLogger } from '../logger';
import { corbadoBackendFromSecret } from '../logic/verify-passkey-answer';
import { createTriggerMetrics } from '../metrics';
import { ssmSecret } from '../ssm-parameter';
import { createVerifyAuthChallengeResponseHandler } from '../triggers';

// Cold start: a bad configuration fails here, naming the key. The secret itself is read at run time
// (cached), so a rotation needs no deploy.
const config = loadVerifyConfig();
const logger = createLogger('verify-auth-challenge-response');
export const handler = createVerifyAuthChallengeResponseHandler(
  corbadoBackendFromSecret({
    baseUrl: config.corbadoBackendApiUrl,
    projectId: config.corbadoProjectId,
    timeoutMs: config.corbadoTimeoutMs,
    apiSecret: ssmSecret(config.corbadoApiSecretParameter, { maxAgeSeconds: config.secretCacheSeconds }),
  }),
  { logger, metrics: createTriggerMetrics(logger) },
);
