/** The challengeMetadata create-auth-challenge sets, and define-auth-challenge expects in the session. */
export const PASSKEY_CHALLENGE_METADATA = 'CORBADO_PASSKEY';

/** Public challenge parameters: what the client learns about the challenge (no secret). */
export const PASSKEY_PUBLIC_PARAMETERS = { type: 'PASSKEY' } as const;
