import { createCreateAuthChallengeHandler } from '../triggers';

// No configuration and no logger: nothing is read, nothing can fail, and the bundle stays a few KB.
export const handler = createCreateAuthChallengeHandler();
