import { isoCBOR } from '@simplewebauthn/server/helpers';
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

// A software platform authenticator for Node: ES256 keys, "none" attestation, discoverable credentials.
// It produces WebAuthn responses a browser would refuse to make (wrong origin, replayed counters, no
// user verification) for tests, and drives ceremonies without a browser for load scripts. Signatures
// come from node:crypto, CBOR from @simplewebauthn/server. Import it from
// `@cognito-passkeys/local-connect/software-authenticator`.

interface StoredCredential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
  /** The BE and BS flags it reports in every ceremony. */
  backup: { eligible: boolean; state: boolean };
}

/** What the authenticator is, for `create()`: a provider's AAGUID and whether its passkeys sync. */
export interface AuthenticatorModel {
  /** The AAGUID written into the attested credential data (dashed form). @default all zeros, as Chrome's virtual authenticator */
  aaguid?: string;
  /** Set the BE flag (the credential may be backed up). @default false */
  backupEligible?: boolean;
  /** Set the BS flag (the credential is backed up); needs `backupEligible`. @default false */
  backupState?: boolean;
}

export interface CeremonyOptions {
  /** The page origin written into clientDataJSON. */
  origin: string;
  /** Clear the UV flag (user verification not performed). */
  noUserVerification?: boolean;
  /** Sign with this counter instead of the next one. */
  counter?: number;
  /** Answer with this credential (base64url ID) instead of the first allowed or stored one. */
  credentialId?: string;
  /** Report this user handle instead of the stored one. */
  userHandle?: string;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

// WebAuthn §6.1 authenticator data flags: UP, UV, BE, BS, AT.
function flags(uv: boolean, attested: boolean, backup: StoredCredential['backup']): number {
  return (
    0x01 | (uv ? 0x04 : 0) | (backup.eligible ? 0x08 : 0) | (backup.state ? 0x10 : 0) | (attested ? 0x40 : 0)
  );
}

function aaguidBytes(aaguid: string | undefined): Buffer {
  if (aaguid === undefined) return Buffer.alloc(16);
  const bytes = Buffer.from(aaguid.replace(/-/g, ''), 'hex');
  if (bytes.length !== 16) throw new TypeError('an AAGUID is 16 bytes in hex, dashes optional');
  return bytes;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export class SoftwareAuthenticator {
  readonly credentials: StoredCredential[] = [];

  /** Answers `navigator.credentials.create()` for an `attestationOptions` string. */
  create(attestationOptions: string, options: CeremonyOptions & AuthenticatorModel): string {
    const { publicKey } = JSON.parse(attestationOptions) as {
      publicKey: { challenge: string; rp: { id: string }; user: { id: string } };
    };
    const { privateKey, publicKey: pub } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pub.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const id = randomBytes(32);
    const backup = { eligible: options.backupEligible ?? false, state: options.backupState ?? false };
    const credIdLength = Buffer.alloc(2);
    credIdLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(publicKey.rp.id),
      Buffer.from([flags(!options.noUserVerification, true, backup)]),
      u32(0),
      aaguidBytes(options.aaguid),
      credIdLength,
      id,
      Buffer.from(isoCBOR.encode(coseKey)),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as Parameters<typeof isoCBOR.encode>[0],
    );
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.create',
      challenge: publicKey.challenge,
      origin: options.origin,
      crossOrigin: false,
    });
    this.credentials.push({
      id,
      privateKey,
      rpId: publicKey.rp.id,
      userHandle: publicKey.user.id,
      counter: 0,
      backup,
    });
    const b64 = id.toString('base64url');
    return JSON.stringify({
      id: b64,
      rawId: b64,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: Buffer.from(clientDataJSON).toString('base64url'),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    });
  }

  /** Answers `navigator.credentials.get()` for an `assertionOptions` / `conditionalUIChallenge` string. */
  get(assertionOptions: string, options: CeremonyOptions): string {
    const { publicKey } = JSON.parse(assertionOptions) as {
      publicKey: { challenge: string; rpId: string; allowCredentials?: { id: string }[] };
    };
    const wanted = options.credentialId ?? publicKey.allowCredentials?.[0]?.id;
    const credential = wanted
      ? this.credentials.find((c) => c.id.toString('base64url') === wanted)
      : this.credentials.find((c) => c.rpId === publicKey.rpId);
    if (!credential) throw new Error('no matching credential in the software authenticator');
    credential.counter = options.counter ?? credential.counter + 1;
    const authData = Buffer.concat([
      sha256(publicKey.rpId),
      Buffer.from([flags(!options.noUserVerification, false, credential.backup)]),
      u32(credential.counter),
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: publicKey.challenge,
        origin: options.origin,
        crossOrigin: false,
      }),
    );
    const signature = createSign('sha256')
      .update(Buffer.concat([authData, sha256(clientDataJSON)]))
      .sign(credential.privateKey);
    const b64 = credential.id.toString('base64url');
    return JSON.stringify({
      id: b64,
      rawId: b64,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: options.userHandle ?? credential.userHandle,
      },
      clientExtensionResults: {},
    });
  }
}
