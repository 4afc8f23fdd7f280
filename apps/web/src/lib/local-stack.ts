/**
 * Everything that exists only to run the app against the local stack (local-aws and local-connect) lives
 * here, and each piece is used only when its local URL is configured. Against AWS and Corbado none of it
 * runs: the same code paths use the real endpoints.
 */

/**
 * `@corbado/connect-react@0.2.4-alpha.0` builds its Frontend API URL as `https://<projectId>.<suffix>` and
 * only switches to the `frontendApiUrl` that an init call (`login/init`, `append/init`, `manage/init`) returns. Seeding its stored process with the local
 * URL before the components' first effect sends that first init to local-connect, whose answer keeps
 * every later call there. A stored process is left alone (its own, newer URL wins).
 */
export function seedLocalFrontendApi(projectId: string, frontendApiUrl: string | undefined): void {
  if (!frontendApiUrl || typeof window === 'undefined') return;
  const key = `cbo_connect_process-${projectId}`;
  const stored = window.localStorage.getItem(key);
  if (stored && stored.includes(`"frontendApiUrl":"${frontendApiUrl}"`)) return;
  window.localStorage.setItem(
    key,
    JSON.stringify({ id: '', frontendApiUrl, loginData: null, appendData: null, manageData: null }),
  );
}

/** Amplify's user-pool endpoint override (`Auth.Cognito.userPoolEndpoint`) for local-aws. */
export function localCognitoEndpoint(endpoint: string | undefined): { userPoolEndpoint?: string } {
  return endpoint ? { userPoolEndpoint: endpoint } : {};
}

/**
 * The local pool's signing keys. A real pool's JWKS is fetched by aws-jwt-verify from Cognito's issuer
 * URL; the local pool issues the same issuer form but serves its keys from local-aws.
 */
export async function fetchLocalJwks(jwksUrl: string): Promise<{ keys: Record<string, unknown>[] }> {
  const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) throw new Error(`the local JWKS answered ${response.status}`);
  return (await response.json()) as { keys: Record<string, unknown>[] };
}
