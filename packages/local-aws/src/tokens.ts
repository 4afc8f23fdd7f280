import { exportJWK, generateKeyPair, importJWK, SignJWT, jwtVerify, type JWK, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Store } from './store';

/** The RS256 signing key: generated once per data dir and persisted, so tokens survive a restart. */
export class TokenSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly jwk: JWK,
  ) {}

  static async load(store: Store): Promise<TokenSigner> {
    const saved = store.getMeta('signing-key');
    let privateJwk: JWK;
    if (saved === undefined) {
      const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      privateJwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
      store.setMeta('signing-key', JSON.stringify(privateJwk));
    } else {
      privateJwk = JSON.parse(saved) as JWK;
    }
    const { kid, n, e } = privateJwk;
    const publicJwk: JWK = { alg: 'RS256', e, kid, kty: 'RSA', n, use: 'sig' };
    const privateKey = (await importJWK(privateJwk, 'RS256')) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, 'RS256')) as CryptoKey;
    return new TokenSigner(privateKey, publicKey, publicJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ kid: this.jwk.kid!, alg: 'RS256' }).sign(this.privateKey);
  }

  /** Verifies signature, issuer and expiry (at `now`, the server's clock); undefined on any failure. */
  async verify(token: string, issuer: string, now: Date): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer,
        algorithms: ['RS256'],
        currentDate: now,
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}
