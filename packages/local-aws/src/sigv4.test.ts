import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkSignature, parseAuthorization, type ReceivedRequest } from './sigv4';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BODY = '{"UserPoolId":"us-east-1_Allowed1","Username":"pat@example.com"}';

/** Signs a request the way the SDK does, and returns it as the server receives it. */
async function signed(
  options: { signingDate?: Date; sessionToken?: string; extraHeaders?: Record<string, string> } = {},
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: 'ASIAEXAMPLEEXAMPLE00',
      secretAccessKey: SECRET,
      sessionToken: options.sessionToken,
    },
    region: 'us-east-1',
    service: 'cognito-idp',
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9229,
      path: '/',
      query: {},
      headers: {
        host: '127.0.0.1:9229',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
        ...options.extraHeaders,
      },
      body: BODY,
    },
    { signingDate: options.signingDate ?? new Date() },
  );
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers, body: Buffer.from(BODY) };
}

async function check(req: ReceivedRequest, secret = SECRET): Promise<string> {
  const auth = parseAuthorization(req.headers.authorization);
  return auth === undefined ? 'unparsable' : checkSignature(req, auth, secret);
}

describe('checkSignature', () => {
  it('accepts a request signed by the SDK signer, with or without a session token', async () => {
    expect(await check(await signed())).toBe('valid');
    const withToken = await signed({ sessionToken: 'token-value' });
    expect(withToken.headers['x-amz-security-token']).toBe('token-value');
    expect(await check(withToken)).toBe('valid');
  });

  it('refuses a changed body, a changed signed header, a replaced token and the wrong secret', async () => {
    const body = await signed();
    expect(await check({ ...body, body: Buffer.from(BODY.replace('pat', 'eve')) })).toBe('mismatch');
    const target = await signed();
    target.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.AdminDeleteUser';
    expect(await check(target)).toBe('mismatch');
    const token = await signed({ sessionToken: 'token-value' });
    token.headers['x-amz-security-token'] = 'other-token';
    expect(await check(token)).toBe('mismatch');
    expect(await check(await signed(), 'not-the-secret')).toBe('mismatch');
  });

  it('ignores headers that were not signed', async () => {
    const req = await signed();
    req.headers['user-agent'] = 'added-by-a-proxy';
    req.headers['x-forwarded-for'] = '10.0.0.1';
    expect(await check(req)).toBe('valid');
  });

  it('refuses a declared payload hash that is not the body’s', async () => {
    const declared = createHash('sha256').update('something else').digest('hex');
    expect(await check(await signed({ extraHeaders: { 'x-amz-content-sha256': declared } }))).toBe(
      'mismatch',
    );
    const honest = createHash('sha256').update(BODY).digest('hex');
    expect(await check(await signed({ extraHeaders: { 'x-amz-content-sha256': honest } }))).toBe('valid');
  });

  it('refuses a signature more than 15 minutes from the server clock', async () => {
    expect(await check(await signed({ signingDate: new Date(Date.now() - 16 * 60_000) }))).toBe('expired');
    expect(await check(await signed({ signingDate: new Date(Date.now() + 16 * 60_000) }))).toBe('expired');
    expect(await check(await signed({ signingDate: new Date(Date.now() - 10 * 60_000) }))).toBe('valid');
  });

  it('calls a signature without a date or without host incomplete', async () => {
    const noDate = await signed();
    delete noDate.headers['x-amz-date'];
    expect(await check(noDate)).toBe('incomplete');
    const req = await signed();
    const auth = parseAuthorization(req.headers.authorization);
    expect(auth).toBeDefined();
    if (auth === undefined) return;
    expect(
      await checkSignature(
        req,
        { ...auth, signedHeaders: auth.signedHeaders.filter((h) => h !== 'host') },
        SECRET,
      ),
    ).toBe('incomplete');
  });
});

describe('parseAuthorization', () => {
  it('reads the SigV4 header and refuses anything else', () => {
    const value =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' +
      'a'.repeat(64);
    expect(parseAuthorization(value)).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      shortDate: '20150830',
      region: 'us-east-1',
      service: 'sts',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: 'a'.repeat(64),
    });
    for (const bad of [
      undefined,
      '',
      'Bearer x',
      value.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'),
      value.slice(0, -1),
    ])
      expect(parseAuthorization(bad)).toBeUndefined();
  });
});
