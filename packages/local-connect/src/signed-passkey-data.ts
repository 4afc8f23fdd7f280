import {
  SignJWT,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type CryptoKey,
} from 'jose';
import { z } from 'zod';
import { newId, randomToken } from './ids';
import type { Store } from './store';

/** Lifetime of signedPasskeyData: exp = iat + 300, nbf = iat − 10 (docs: concepts/signed-passkey-data). */
export const SIGNED_DATA_LIFETIME_SECONDS = 300;
const NOT_BEFORE_SKEW_SECONDS = 10;

/** The documented outcomes of `POST /v2/passkey/verifySignedData`. */
export type VerificationResult =
  'success' | 'invalid_signature' | 'invalid_challenge' | 'user_mismatch' | 'generic_error';

/** The claims of a signedPasskeyData JWT. */
export interface SignedPasskeyDataClaims {
  iss: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  processId: string;
  username: string;
  credential: string;
  challengeId: string;
  webauthnId: string;
  isCUI: boolean;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  jti: z.string().min(1),
  webauthnId: z.string().min(1),
  credential: z.string().min(1),
});

/**
 * The signature algorithm of signedPasskeyData. Corbado's concept page shows an RS256 header; ES256 is
 * used here because the token's only verifier is this server's own `verifySignedData` (the clients only
 * decode the payload's `webauthnId`), and an RS256 signature costs about five ES256 ones, which on a busy
 * login path was the largest single cost of `login/finish`.
 */
export const SIGNED_DATA_ALGORITHM = 'ES256';

/**
 * Signs and verifies signedPasskeyData with one ES256 key, kept in the store so restarts keep it. The key
 * is imported once, here; a data dir from before ES256 keeps its RS256 row, unused, and gains an ES256 key.
 */
export class PasskeyDataSigner {
  private constructor(
    private readonly store: Store,
    private readonly projectId: string,
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly now: () => Date,
  ) {}

  static async open(store: Store, projectId: string, now: () => Date): Promise<PasskeyDataSigner> {
    let stored = store
      .signingKeys()
      .filter((key) => (JSON.parse(key.privateJwk) as JWK).kty === 'EC')
      .at(-1);
    if (!stored) {
      const { privateKey } = await generateKeyPair(SIGNED_DATA_ALGORITHM, { extractable: true });
      stored = { kid: newId('pki'), privateJwk: JSON.stringify(await exportJWK(privateKey)) };
      store.insertSigningKey(stored.kid, stored.privateJwk, now().getTime());
    }
    const privateJwk = JSON.parse(stored.privateJwk) as JWK;
    const privateKey = (await importJWK(privateJwk, SIGNED_DATA_ALGORITHM)) as CryptoKey;
    const { kty, crv, x, y } = privateJwk;
    const publicJwk: JWK = { kty, crv, x, y, kid: stored.kid, alg: SIGNED_DATA_ALGORITHM, use: 'sig' };
    const publicKey = (await importJWK(publicJwk, SIGNED_DATA_ALGORITHM)) as CryptoKey;
    return new PasskeyDataSigner(store, projectId, stored.kid, privateKey, publicKey, publicJwk, now);
  }

  /** The public signing key, as served at `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async sign(claims: {
    userId: string;
    webauthnId: string;
    credential: string;
    challengeId: string;
    processId: string;
    isCUI: boolean;
  }): Promise<string> {
    const iat = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({
      processId: claims.processId,
      username: '',
      credential: claims.credential,
      challengeId: claims.challengeId,
      webauthnId: claims.webauthnId,
      isCUI: claims.isCUI,
    })
      .setProtectedHeader({ alg: SIGNED_DATA_ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setIssuer(this.projectId)
      .setSubject(claims.userId)
      .setIssuedAt(iat)
      .setNotBefore(iat - NOT_BEFORE_SKEW_SECONDS)
      .setExpirationTime(iat + SIGNED_DATA_LIFETIME_SECONDS)
      .setJti(randomToken(22))
      .sign(this.privateKey);
  }

  /**
   * Verifies signedPasskeyData for the expected username, as the Backend API does: the signature (else
   * `invalid_signature`), issuer, time window and single use (else `invalid_challenge`), then
   * `webauthnId === username` (else `user_mismatch`), and that the passkey it was minted for is still
   * registered (else `invalid_challenge`: deleting a passkey, say of a lost device, also voids the data it
   * produced in its last minutes). Only a `success` uses up the JTI.
   */
  async verify(signedPasskeyData: string, username: string): Promise<VerificationResult> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(signedPasskeyData, this.publicKeyResolver, {
        algorithms: [SIGNED_DATA_ALGORITHM],
        issuer: this.projectId,
        currentDate: this.now(),
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired || err instanceof joseErrors.JWTClaimValidationFailed) {
        return 'invalid_challenge';
      }
      return 'invalid_signature';
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return 'generic_error';
    if (claims.data.webauthnId !== username) return 'user_mismatch';
    const credentialId = claims.data.credential.replace(/^cre-/, 'pky-');
    if (!this.store.credentialsOfUser(claims.data.sub).some((c) => c.id === credentialId))
      return 'invalid_challenge';
    if (!this.store.useJti(claims.data.jti, claims.data.exp)) return 'invalid_challenge';
    return 'success';
  }

  private readonly publicKeyResolver = (header: { kid?: string }): CryptoKey => {
    if (header.kid !== this.kid) throw new joseErrors.JWKSNoMatchingKey();
    return this.publicKey;
  };
}
