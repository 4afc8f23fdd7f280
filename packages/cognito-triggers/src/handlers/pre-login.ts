import { createCognitoClient, ssmSecret } from '../aws';
import { createActionHandler } from '../actions/function-url';
import { preLoginRequestSchema, resolveUsername } from '../actions/pre-login';
import { loadPreLoginConfig } from '../config/env';
import { createLogger } from '../logger';

const config = loadPreLoginConfig();
const cognito = createCognitoClient();

/** Corbado's pre-login action: the typed email → the Cognito username (see actions/contract.ts). */
export const handler = createActionHandler({
  name: 'pre-login',
  schema: preLoginRequestSchema,
  secret: ssmSecret(config.actionSecretParameter, config.secretCacheSeconds),
  logger: createLogger('pre-login'),
  run: ({ identifier }) => resolveUsername(cognito, config.userPoolId, identifier),
});
