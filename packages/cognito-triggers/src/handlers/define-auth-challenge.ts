import { loadDefineConfig } from '../config/env';
import { createLogger } from '../logger';
import { createDefineAuthChallengeHandler } from '../triggers';

// Cold start: a bad configuration fails here, naming the key.
const config = loadDefineConfig();

export const handler = createDefineAuthChallengeHandler(config, createLogger('define-auth-challenge'));
