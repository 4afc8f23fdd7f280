import {
  createDiffieHellman,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Server side of Cognito's SRP-6a (USER_SRP_AUTH / PASSWORD_VERIFIER), matching the client in
 * `@aws-amplify/auth` (`utils/srp/AuthenticationHelper`): the RFC 5054 3072-bit group, g = 2,
 * k = H(pad(N) | pad(g)), u = H(pad(A) | pad(B)), x = H(pad(salt) | H(poolName | userId | ":" | password)),
 * the session key HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key") truncated to 16 bytes,
 * and the claim HMAC-SHA256(key, poolName | userId | secretBlock | timestamp). `poolName` is the part of the
 * pool ID after `_`; `userId` is USER_ID_FOR_SRP (the username).
 */
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;

/** Amplify's `getPaddedHex` for non-negative values: even length, `00` prefix when the top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  if (/^[89a-f]/i.test(hex)) hex = `00${hex}`;
  return hex;
}

const hashHex = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const hashText = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const toBig = (hex: string): bigint => BigInt(`0x${hex}`);

const PRIME = Buffer.from(N_HEX, 'hex');

/** A non-negative integer as big-endian bytes (an exponent or a base for OpenSSL). */
function toBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}

/** OpenSSL's output (unpadded or padded to the prime's length) as a number. */
const fromBytes = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));

/**
 * base^exponent mod N by OpenSSL (`node:crypto`'s Diffie-Hellman over this group): the exponent is the
 * "private key", `generateKeys()` gives g^exponent and `computeSecret(base)` base^exponent. About eight
 * times faster than BigInt square-and-multiply on 3072-bit numbers. OpenSSL refuses a base outside
 * [2, N-2] (1 and N-1 have trivial powers): the answer is then undefined, which no honest client causes.
 */
export function modPowN(base: bigint, exponent: bigint): bigint | undefined {
  if (exponent === 0n) return 1n; // OpenSSL refuses a zero private key
  const dh = createDiffieHellman(PRIME, Number(g));
  dh.setPrivateKey(toBytes(exponent));
  if (base === g) return fromBytes(dh.generateKeys());
  try {
    return fromBytes(dh.computeSecret(toBytes(base % N)));
  } catch {
    return undefined;
  }
}

/** g^exponent mod N (never refused: g = 2 is a valid base). */
const powG = (exponent: bigint): bigint => modPowN(g, exponent) ?? 0n;

const k = toBig(hashHex(padHex(N) + padHex(g)));

function privateX(poolName: string, userId: string, password: string, saltHex: string): bigint {
  return toBig(hashHex(padHex(toBig(saltHex)) + hashText(`${poolName}${userId}:${password}`)));
}

/** A fresh salt and verifier v = g^x mod N; only these are stored, never the password. */
export function createVerifier(
  poolName: string,
  userId: string,
  password: string,
): { salt: string; verifier: string } {
  const salt = padHex(toBig(randomBytes(16).toString('hex')));
  const verifier = powG(privateX(poolName, userId, password, salt));
  return { salt, verifier: verifier.toString(16) };
}

/** USER_PASSWORD_AUTH: recompute the verifier from the password and compare in constant time. */
export function checkPassword(
  poolName: string,
  userId: string,
  password: string,
  stored: { salt: string; verifier: string },
): boolean {
  const computed = Buffer.from(padHex(powG(privateX(poolName, userId, password, stored.salt))), 'hex');
  const expected = Buffer.from(padHex(toBig(stored.verifier)), 'hex');
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** The server's ephemeral values for one PASSWORD_VERIFIER challenge. */
export function createServerEphemeral(verifierHex: string): { b: string; B: string } {
  const v = toBig(verifierHex);
  for (;;) {
    const b = toBig(randomBytes(128).toString('hex'));
    const B = (k * v + powG(b)) % N;
    if (B !== 0n) return { b: b.toString(16), B: B.toString(16) };
  }
}

/** Parses the client's SRP_A (hex); undefined when it is not a valid group element. */
export function parseA(hex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(hex)) return undefined;
  const A = toBig(hex);
  return A % N === 0n ? undefined : A;
}

/** HKDF session key from the server side: S = (A · v^u)^b mod N. */
export function serverKey(A: bigint, Bhex: string, bHex: string, verifierHex: string): Buffer | undefined {
  const B = toBig(Bhex);
  const u = toBig(hashHex(padHex(A) + padHex(B)));
  if (u === 0n) return undefined;
  const vu = modPowN(toBig(verifierHex), u);
  const S = vu === undefined ? undefined : modPowN((A * vu) % N, toBig(bHex));
  if (S === undefined) return undefined;
  return Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(padHex(S), 'hex'),
      Buffer.from(padHex(u), 'hex'),
      'Caldera Derived Key',
      16,
    ),
  );
}

/** The PASSWORD_CLAIM_SIGNATURE the client must have sent, base64. */
export function claimSignature(
  key: Buffer,
  poolName: string,
  userId: string,
  secretBlock: Buffer,
  timestamp: string,
): Buffer {
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        secretBlock,
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest();
}
