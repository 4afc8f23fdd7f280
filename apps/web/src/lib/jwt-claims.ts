/**
 * The payload of a JWT, decoded without verification: for routing only (the login page reads the user name
 * the signed passkey data is for; Cognito's trigger verifies it). Throws on anything that is not a JWT.
 */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
}
