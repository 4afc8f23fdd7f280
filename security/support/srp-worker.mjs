// A worker thread that does Amplify's SRP client math (`@aws-amplify/auth`'s `utils/srp`, pure-JS big
// integers: about half a second of CPU per sign-in), so that many concurrent sign-ins do not stall the
// event loop that sends their requests. Messages: `{ id, op: 'start', userPoolName }` → `{ id, A }`;
// `{ id, op: 'claim', username, password, challengeParameters }` → `{ id, signature, timestamp }`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const root = dirname(createRequire(import.meta.url).resolve('@aws-amplify/auth/package.json'));
const dir = join(root, 'dist', 'esm', 'providers', 'cognito', 'utils', 'srp');
const srp = await import(pathToFileURL(join(dir, 'index.mjs')).href);
const { BigInteger } = await import(pathToFileURL(join(dir, 'BigInteger', 'index.mjs')).href);

/** The helpers (each holding its secret `a`) of sign-ins under way, by id. */
const helpers = new Map();

parentPort.on('message', (message) => {
  void handle(message).then(
    (answer) => parentPort.postMessage({ id: message.id, ...answer }),
    (error) =>
      parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.name : 'Error' }),
  );
});

async function handle(message) {
  if (message.op === 'start') {
    const helper = await srp.getAuthenticationHelper(message.userPoolName);
    helpers.set(message.id, { helper, userPoolName: message.userPoolName });
    return { A: helper.A.toString(16) };
  }
  const entry = helpers.get(message.id);
  helpers.delete(message.id);
  if (entry === undefined) throw new Error('unknown sign-in');
  const params = message.challengeParameters;
  const hkdf = await entry.helper.getPasswordAuthenticationKey({
    username: message.username,
    password: message.password,
    serverBValue: new BigInteger(params.SRP_B, 16),
    salt: new BigInteger(params.SALT, 16),
  });
  const timestamp = srp.getNowString();
  const signature = srp.getSignatureString({
    userPoolName: entry.userPoolName,
    username: message.username,
    challengeParameters: params,
    dateNow: timestamp,
    hkdf,
  });
  return { signature, timestamp };
}
