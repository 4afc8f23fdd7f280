import { loadDefineConfig } from '../config/env';
import { createLogger } from '../logger';
import { createTriggerMetrics } from '../metrics';
import { passkeyModeSource } from '../passkey-mode';
import { ssmParameterReader } from '../ssm-parameter';
import { createDefineAuthChallengeHandler } from '../triggers';

// Cold start: a bad configuration fails here, naming the key. The passkey mode is read at run time
// (cached), so flipping the kill switch needs no deploy.
const config = loadDefineConfig();
const logger = createLogger('define-auth-challenge');
export const handler = createDefineAuthChallengeHandler(config, {
  logger,
  passkeyMode: passkeyModeSource(ssmParameterReader(config.passkeyModeParameter), {
    maxAgeSeconds: config.passkeyModeCacheSeconds,
    logger,
  }),
  metrics: createTriggerMetrics(logger),
});
