import { loadVerifyConfig } from '../config/env';
import { createLogger } from '../logger';
import { corbadoBackendFromSecret } from '../logic/verify-passkey-answer';
import { ssmSecret } from '../ssm-secret';
import { createVerifyAuthChallengeResponseHandler } from '../triggers';

// Cold start: a bad configuration fails here, naming the key. The secret itself is read at run time
// (cached), so a rotation needs no deploy.
const config = loadVerifyConfig();

export const handler = createVerifyAuthChallengeResponseHandler(
  corbadoBackendFromSecret({
    baseUrl: config.corbadoBackendApiUrl,
    projectId: config.corbadoProjectId,
    timeoutMs: config.corbadoTimeoutMs,
    apiSecret: ssmSecret(config.corbadoApiSecretParameter, { maxAgeSeconds: config.secretCacheSeconds }),
  }),
  createLogger('verify-auth-challenge-response'),
);
