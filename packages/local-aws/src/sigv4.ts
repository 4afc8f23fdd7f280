import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** An HTTP request as it arrived, with its raw body: what a SigV4 signature covers. */
export interface ReceivedRequest {
  method: string;
  /** The decoded path (`/`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Why a signature was not accepted; each protocol names these with its own error code. */
export type SignatureCheck = 'valid' | 'incomplete' | 'mismatch' | 'expired';

/** How far a request's `X-Amz-Date` may be from the server's clock (AWS's window). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([\w]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;.-]+),\s*Signature=([0-9a-f]{64})$/;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** A header's value; only the request's own headers count (a signed header may be named `constructor`). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value: unknown = headers[name];
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(',') : undefined;
}

/** Parses a SigV4 `Authorization` header; undefined when it is not one. */
export function parseAuthorization(value: string | undefined): SigV4Authorization | undefined {
  const match = value === undefined ? null : AUTHORIZATION.exec(value.trim());
  if (match === null) return undefined;
  const [, accessKeyId = '', shortDate = '', region = '', service = '', signed = '', signature = ''] = match;
  return { accessKeyId, shortDate, region, service, signedHeaders: signed.split(';'), signature };
}

function signingDateOf(amzDate: string | undefined, shortDate: string): Date | undefined {
  const match = amzDate === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (match === null || amzDate?.slice(0, 8) !== shortDate) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const sha256Hex = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Recomputes the request's SigV4 signature with `secretAccessKey` (the SDK's own signer, so canonicalization
 * is the clients') and compares it in constant time. Only the headers the caller signed take part.
 */
export async function checkSignature(
  req: ReceivedRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
): Promise<SignatureCheck> {
  const signingDate = signingDateOf(headerValue(req.headers, 'x-amz-date'), auth.shortDate);
  if (signingDate === undefined || !auth.signedHeaders.includes('host')) return 'incomplete';
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) return 'expired';

  const headers = Object.create(null) as Record<string, string>;
  for (const name of auth.signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return 'mismatch';
    headers[name] = value;
  }
  // A declared payload hash is what the signature covers, so it must be the body's.
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== UNSIGNED_PAYLOAD && declared !== sha256Hex(req.body))
    return 'mismatch';

  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of req.query) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: 'localhost',
      path: req.path,
      query,
      headers,
      body: req.body,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  return constantTimeEqual(expected, auth.signature) ? 'valid' : 'mismatch';
}
