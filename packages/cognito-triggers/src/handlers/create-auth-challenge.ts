import { loadCreateConfig } from '../config/env';
import { createCreateAuthChallengeHandler } from '../triggers';

loadCreateConfig();

export const handler = createCreateAuthChallengeHandler();
