import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import type { ResolvedConfig } from './config';
import { RequestError } from './errors';
import { parseWith } from './http';
import type { CredentialRow, UserRow } from './store';

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'not base64url');
const nonEmptyBase64url = base64url.min(1);
const transports = z.array(z.string().max(32)).max(8);

/** A RegistrationResponseJSON as `@corbado/webauthn-json` serialises `navigator.credentials.create()`. */
const registrationResponseSchema = z.object({
  id: nonEmptyBase64url.max(1024),
  rawId: nonEmptyBase64url.max(1024),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  response: z.object({
    clientDataJSON: nonEmptyBase64url,
    attestationObject: nonEmptyBase64url,
    transports: transports.nullish(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).nullish(),
});

/** An AuthenticationResponseJSON as `@corbado/webauthn-json` serialises `navigator.credentials.get()`. */
const authenticationResponseSchema = z.object({
  id: nonEmptyBase64url.max(1024),
  rawId: nonEmptyBase64url.max(1024),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  response: z.object({
    clientDataJSON: nonEmptyBase64url,
    authenticatorData: nonEmptyBase64url,
    signature: nonEmptyBase64url,
    userHandle: base64url.nullish(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).nullish(),
});

const clientDataSchema = z.object({ challenge: base64url.max(1024) });

/** The challenge the browser signed, read from clientDataJSON (verified later against the stored one). */
export function signedChallenge(clientDataJSON: string): string {
  const decoded = parseJsonString(
    Buffer.from(clientDataJSON, 'base64url').toString('utf8'),
    'clientDataJSON',
  );
  return parseWith(clientDataSchema, decoded, 'clientDataJSON').challenge;
}

function parseJsonString(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new RequestError('validation_error', `${what} is not valid JSON`, { cause: err });
  }
}

export function parseRegistrationResponse(value: string): RegistrationResponseJSON {
  const r = parseWith(
    registrationResponseSchema,
    parseJsonString(value, 'attestationResponse'),
    'attestationResponse',
  );
  return {
    id: r.id,
    rawId: r.rawId,
    type: r.type,
    authenticatorAttachment: r.authenticatorAttachment ?? undefined,
    response: {
      clientDataJSON: r.response.clientDataJSON,
      attestationObject: r.response.attestationObject,
      transports: r.response.transports ?? undefined,
    },
    clientExtensionResults: r.clientExtensionResults ?? {},
  };
}

export function parseAuthenticationResponse(value: string): AuthenticationResponseJSON {
  const r = parseWith(
    authenticationResponseSchema,
    parseJsonString(value, 'assertionResponse'),
    'assertionResponse',
  );
  return {
    id: r.id,
    rawId: r.rawId,
    type: r.type,
    authenticatorAttachment: r.authenticatorAttachment ?? undefined,
    response: {
      clientDataJSON: r.response.clientDataJSON,
      authenticatorData: r.response.authenticatorData,
      signature: r.response.signature,
      userHandle: r.response.userHandle ?? undefined,
    },
    clientExtensionResults: r.clientExtensionResults ?? {},
  };
}

function descriptor(c: CredentialRow) {
  return { id: c.credentialId, transports: c.transports as AuthenticatorTransport[] };
}

/** Options for `navigator.credentials.create()`: a discoverable credential, the user's passkeys excluded. */
export function registrationOptions(config: ResolvedConfig, user: UserRow, existing: CredentialRow[]) {
  return generateRegistrationOptions({
    rpName: config.rp.name,
    rpID: config.rp.id,
    userName: user.displayName || user.username,
    userDisplayName: user.displayName || user.username,
    userID: Buffer.from(user.webauthnUserId, 'base64url'),
    timeout: config.ceremonyTimeoutMs,
    attestationType: 'none',
    excludeCredentials: existing.map(descriptor),
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: config.userVerification,
    },
  });
}

/** Options for `navigator.credentials.get()`: the user's passkeys, or none (discoverable, conditional UI). */
export function authenticationOptions(config: ResolvedConfig, allowed: CredentialRow[]) {
  return generateAuthenticationOptions({
    rpID: config.rp.id,
    allowCredentials: allowed.map(descriptor),
    userVerification: config.userVerification,
    timeout: config.ceremonyTimeoutMs,
  });
}

/** Verifies an attestation against the pending challenge, the allowed origins and the RP ID. */
export async function verifyRegistration(
  config: ResolvedConfig,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
) {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: config.rp.origins,
      expectedRPID: config.rp.id,
      requireUserVerification: config.userVerification === 'required',
    });
    if (result.verified) return result.registrationInfo;
  } catch (err) {
    throw new RequestError('webauthn_verification_failed', 'the passkey registration did not verify', {
      cause: err,
    });
  }
  throw new RequestError('webauthn_verification_failed', 'the passkey registration did not verify');
}

/** Verifies an assertion against the pending challenge, origins, RP ID, stored key and counter. */
export async function verifyAuthentication(
  config: ResolvedConfig,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: CredentialRow,
) {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: config.rp.origins,
      expectedRPID: config.rp.id,
      credential: {
        id: credential.credentialId,
        publicKey: credential.publicKey as Uint8Array<ArrayBuffer>,
        counter: credential.counter,
        transports: credential.transports,
      },
      requireUserVerification: config.userVerification === 'required',
    });
    if (result.verified) return result.authenticationInfo;
  } catch (err) {
    throw new RequestError('webauthn_verification_failed', 'the passkey login did not verify', {
      cause: err,
    });
  }
  throw new RequestError('webauthn_verification_failed', 'the passkey login did not verify');
}
