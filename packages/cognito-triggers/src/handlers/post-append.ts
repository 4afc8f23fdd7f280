import { createCognitoClient, ssmSecret } from '../aws';
import { createActionHandler } from '../actions/function-url';
import { ensureMfaAfterAppend, postAppendRequestSchema } from '../actions/post-append';
import { loadPostAppendConfig } from '../config/env';
import { createLogger } from '../logger';

const config = loadPostAppendConfig();
const cognito = createCognitoClient();

/** Corbado's post-append action: turns MFA on for a user who has none (see actions/contract.ts). */
export const handler = createActionHandler({
  name: 'post-append',
  schema: postAppendRequestSchema,
  secret: ssmSecret(config.actionSecretParameter, config.secretCacheSeconds),
  logger: createLogger('post-append'),
  run: ({ username }) =>
    ensureMfaAfterAppend(cognito, config.userPoolId, username, config.postAppendMfaMethod),
});
