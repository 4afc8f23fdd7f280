// Fuzz: property-based inputs (fast-check, fixed seed, FUZZ_SEED / FUZZ_RUNS) to every entry point of the
// product that takes untrusted input: the three Cognito trigger handlers (called directly with arbitrary
// events), the two action scripts (run as Corbado runs them), every local-connect route and every local-aws
// operation (each X-Amz-Target, and STS's query bodies), signed and unsigned. Properties: never a 5xx, no
// crash (the server still answers afterwards), no hang (every answer within a bound), nothing internal in
// an answer, and the security invariants that must hold for any input (no tokens, no username, no
// `answerCorrect` without the one genuine passkey answer).
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { postAppendResultSchema, preLoginResultSchema } from '@cognito-passkeys/corbado-actions/contract';
import { SUPPORTED_TARGETS } from '@cognito-passkeys/local-aws';
import { ActionRunner } from '@cognito-passkeys/local-connect';

import {
  anyJson,
  failureOf,
  fieldsObject,
  FUZZ_RUNS,
  FUZZ_SEED,
  headerText,
  junkBody,
  mutatedJson,
  params,
  rawRequest,
  runs,
  sendCounted,
  signAws,
  stillAnswers,
  Tally,
} from './support/fuzz';
import {
  ACTION_ROLE_ARN,
  actionEnv,
  CLIENT_ID,
  ORIGIN,
  PROJECT_ID,
  SECRET_PARAMETER,
  SoftwareAuthenticator,
  startStack,
  USER_POOL_ID,
  type InProcessStack,
} from './support/stack';
import { buildActionsIfNeeded } from '../scripts/local-stack';

const PASSWORD = 'Fuzz-Passw0rd!';
const TRIGGER_BOUND_MS = 6_000;
const ACTION_BOUND_MS = 15_000;

let stack: InProcessStack;
const authenticator = new SoftwareAuthenticator();
/** A user with a passkey, and one without. */
const alice = { email: 'alice@fuzz.example.com', username: '' };
const bob = { email: 'bob@fuzz.example.com', username: '' };
/** One genuine, unused signedPasskeyData of alice's: the only answer verify may accept. */
let genuineAnswer = '';
/** Real WebAuthn responses to mutate, and live Frontend API processes and connect tokens. */
let attestation = '';
let assertion = '';
let processId = '';
const tokens: string[] = [];
let accessToken = '';

beforeAll(async () => {
  stack = await startStack();
  const { clients } = stack;
  alice.username = await clients.createUser(alice.email, PASSWORD);
  bob.username = await clients.createUser(bob.email, PASSWORD);
  await clients.appendPasskey(alice.username, alice.email, authenticator);
  genuineAnswer = await clients.passkeyAssertion(alice.email, authenticator);
  // A Cognito access token (of a completed passkey sign-in) for the token-bearing operations.
  const signedIn = await clients.customAuth(await clients.passkeyAssertion(alice.email, authenticator));
  accessToken = signedIn.tokens?.AccessToken ?? '';

  const append = await clients.backend.createConnectToken('passkey-append', {
    identifier: bob.username,
    displayName: bob.email,
  });
  processId = (await clients.fapi('append/init', {})).body.processID as string;
  const started = await clients.fapi('append/start', { appendTokenValue: append }, processId);
  attestation = new SoftwareAuthenticator().create(started.body.attestationOptions as string, {
    origin: ORIGIN,
  });
  const login = await clients.fapi('login/start', { identifier: alice.email }, processId);
  assertion = authenticator.get(login.body.assertionOptions as string, { origin: ORIGIN });
  for (const type of ['passkey-append', 'passkey-list', 'passkey-delete', 'passkey-login'] as const)
    tokens.push(
      await clients.backend.createConnectToken(type, { identifier: alice.username, displayName: 'a' }),
    );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const someString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '"', '\\', '%00', '../..', 'null', '*', 'a'.repeat(300)),
);
const knownIdentity = () =>
  fc.constantFrom(
    alice.email,
    alice.username,
    bob.email,
    bob.username,
    alice.email.toUpperCase(),
    ` ${alice.email} `,
  );
const identity = () => fc.oneof(knownIdentity(), someString, fc.emailAddress());

// ---------------------------------------------------------------------------------------------------------
// The Cognito trigger handlers, called directly with events of Cognito's documented shape: every field
// arbitrary within its type, or (one field at a time) replaced by any JSON value.

const PASSKEY_METADATA = 'CORBADO_PASSKEY';

const sessionEntry = fc.record(
  {
    challengeName: fc.oneof(
      fc.constantFrom('CUSTOM_CHALLENGE', 'SRP_A', 'PASSWORD_VERIFIER', 'SMS_MFA', 'EMAIL_OTP'),
      someString,
    ),
    challengeResult: fc.boolean(),
    challengeMetadata: fc.oneof(fc.constant(PASSKEY_METADATA), fc.constant(null), someString),
  },
  { requiredKeys: ['challengeName', 'challengeResult'] },
);

const jwsLike = fc
  .tuple(fc.base64String(), fc.base64String(), fc.base64String())
  .map((parts) =>
    parts.map((p) => p.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') || 'e30').join('.'),
  );

const answers = () =>
  fc.oneof(
    fc.constant(genuineAnswer),
    jwsLike,
    someString,
    fc.string({ minLength: 8193, maxLength: 9000 }),
    fc
      .nat({ max: genuineAnswer.length - 1 })
      .map((i) => `${genuineAnswer.slice(0, i)}A${genuineAnswer.slice(i + 1)}`),
  );

const stringMap = fc.dictionary(someString, someString, { maxKeys: 4 });

function triggerEvent(triggerSource: string, request: fc.Arbitrary<Record<string, unknown>>) {
  return fc.record({
    version: fc.constant('1'),
    region: fc.constant('us-east-1'),
    userPoolId: fc.oneof(fc.constant(USER_POOL_ID), someString),
    userName: fc.oneof(fc.constant(alice.username), identity()),
    callerContext: fc.record({
      awsSdkVersion: someString,
      clientId: fc.oneof(fc.constant(CLIENT_ID), someString),
    }),
    triggerSource: fc.oneof(fc.constant(triggerSource), someString),
    request,
    response: fc.constant({}),
  });
}

const commonRequest = {
  userAttributes: stringMap,
  session: fc.array(sessionEntry, { maxLength: 5 }),
  userNotFound: fc.boolean(),
  clientMetadata: stringMap,
};

/** Built when a test runs: the answers include the genuine one made in beforeAll. */
const events = () => ({
  define: triggerEvent(
    'DefineAuthChallenge_Authentication',
    fc.record(commonRequest, { requiredKeys: ['session'] }),
  ),
  create: triggerEvent(
    'CreateAuthChallenge_Authentication',
    fc.record(
      { ...commonRequest, challengeName: fc.oneof(fc.constantFrom('CUSTOM_CHALLENGE', 'SRP_A'), someString) },
      { requiredKeys: ['session', 'challengeName'] },
    ),
  ),
  verify: triggerEvent(
    'VerifyAuthChallengeResponse_Authentication',
    fc.record(
      { ...commonRequest, privateChallengeParameters: stringMap, challengeAnswer: answers() },
      { requiredKeys: ['challengeAnswer'] },
    ),
  ),
});

/** An event of the documented shape with one value (at any depth) replaced by any JSON value. */
function offContract(event: fc.Arbitrary<Record<string, unknown>>) {
  return event.chain((e) => {
    // Leaves only: the framing (request, response, the session list) is Cognito's own.
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]): void => {
      if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      } else if (path.length > 0) paths.push(path);
    };
    walk(e, []);
    return fc.tuple(fc.constantFrom(...paths), anyJson).map(([path, value]) => {
      const copy = structuredClone(e);
      let node: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path.at(-1) as string] = value;
      return copy;
    });
  });
}

type AnyHandler = (event: unknown, context: Context, callback: () => void) => Promise<unknown> | void;

async function loadHandler(name: string): Promise<AnyHandler> {
  const mod = (await import(`@cognito-passkeys/cognito-triggers/handlers/${name}`)) as {
    handler: AnyHandler;
  };
  return mod.handler;
}

/** Calls a handler as Lambda does, bounded; the tally counts a throw as a crash and no answer as a hang. */
async function invokeBounded(
  tally: Tally,
  handler: AnyHandler,
  event: unknown,
): Promise<Record<string, unknown>> {
  tally.inputs += 1;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), TRIGGER_BOUND_MS);
  });
  try {
    const result = await Promise.race([
      Promise.resolve(handler(event, {} as Context, () => undefined)),
      bound,
    ]);
    if (result === 'hang') {
      tally.hangs += 1;
      throw new Error(`no answer within ${TRIGGER_BOUND_MS} ms`);
    }
    return result as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('no answer'))) tally.crashes += 1;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** What a property reads back from the event it generated (any member may hold anything). */
interface FuzzEvent {
  userName?: unknown;
  request?: { session?: unknown; challengeName?: unknown; challengeAnswer?: unknown; userNotFound?: unknown };
}

interface ChallengeEntry {
  challengeName?: unknown;
  challengeResult?: unknown;
  challengeMetadata?: unknown;
}

describe('fuzz: Cognito trigger handlers', () => {
  it('define-auth-challenge: a decision for every event, tokens only after a verified passkey', async () => {
    const handler = await loadHandler('define-auth-challenge');
    // Controls: the two decisions the checks below look for do happen.
    const verified = {
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: true,
      challengeMetadata: PASSKEY_METADATA,
    };
    const control = (session: unknown[]) =>
      handler({ request: { session }, response: {} }, {} as Context, () => undefined) as Promise<{
        response: Record<string, unknown>;
      }>;
    expect((await control([verified])).response).toMatchObject({
      issueTokens: true,
      failAuthentication: false,
    });
    expect((await control([])).response).toMatchObject({
      issueTokens: false,
      challengeName: 'CUSTOM_CHALLENGE',
    });
    const tally = new Tally('trigger define-auth-challenge');
    const details = await fc.check(
      fc.asyncProperty(fc.oneof(events().define, offContract(events().define)), async (event) => {
        const out = (await invokeBounded(tally, handler, structuredClone(event))) as {
          request: { session?: unknown };
          response: { issueTokens?: unknown; failAuthentication?: unknown; challengeName?: unknown };
        };
        const { issueTokens, failAuthentication, challengeName } = out.response;
        expect(typeof issueTokens).toBe('boolean');
        expect(typeof failAuthentication).toBe('boolean');
        expect(issueTokens && failAuthentication).toBe(false);
        if (!issueTokens && !failAuthentication) expect(challengeName).toBe('CUSTOM_CHALLENGE');
        if (issueTokens) {
          // Only a session of this product's passkey challenges whose last answer was verified.
          const session = (event as FuzzEvent).request?.session as ChallengeEntry[];
          expect(Array.isArray(session)).toBe(true);
          expect(
            session.every(
              (s) => s.challengeName === 'CUSTOM_CHALLENGE' && s.challengeMetadata === PASSKEY_METADATA,
            ),
          ).toBe(true);
          expect(session.at(-1)?.challengeResult).toBe(true);
        }
      }),
      params(runs(600)),
    );
    tally.finish(
      failureOf(details),
      'handler called directly; documented shape or one field replaced by any JSON',
    );
  });

  it('create-auth-challenge: only the public passkey marker, for any event', async () => {
    const handler = await loadHandler('create-auth-challenge');
    const tally = new Tally('trigger create-auth-challenge');
    const details = await fc.check(
      fc.asyncProperty(fc.oneof(events().create, offContract(events().create)), async (event) => {
        const out = (await invokeBounded(tally, handler, structuredClone(event))) as {
          response: Record<string, unknown>;
        };
        expect(typeof out.response).toBe('object');
        if ((event as FuzzEvent).request?.challengeName === 'CUSTOM_CHALLENGE') {
          expect(out.response).toEqual({
            publicChallengeParameters: { type: 'PASSKEY' },
            privateChallengeParameters: {},
            challengeMetadata: PASSKEY_METADATA,
          });
        }
      }),
      params(runs(600)),
    );
    tally.finish(
      failureOf(details),
      'handler called directly; documented shape or one field replaced by any JSON',
    );
  });

  it('verify-auth-challenge-response: answerCorrect only for the genuine answer of its user', async () => {
    const handler = await loadHandler('verify-auth-challenge-response');
    // Control: another genuine answer of alice's is accepted, so `false` below is a decision, not a fault.
    const control = await stack.clients.passkeyAssertion(alice.email, authenticator);
    const controlEvent = { userName: alice.username, request: { challengeAnswer: control }, response: {} };
    const controlOut = (await handler(controlEvent, {} as Context, () => undefined)) as {
      response: { answerCorrect?: unknown };
    };
    expect(controlOut.response.answerCorrect).toBe(true);
    const tally = new Tally('trigger verify-auth-challenge-response');
    let accepted = 0;
    const details = await fc.check(
      fc.asyncProperty(fc.oneof(events().verify, offContract(events().verify)), async (event) => {
        const out = (await invokeBounded(tally, handler, structuredClone(event))) as {
          response: { answerCorrect?: unknown };
        };
        expect(typeof out.response.answerCorrect).toBe('boolean');
        if (out.response.answerCorrect === true) {
          accepted += 1;
          expect((event as FuzzEvent).request?.challengeAnswer).toBe(genuineAnswer);
          expect((event as FuzzEvent).userName).toBe(alice.username);
          expect((event as FuzzEvent).request?.userNotFound).not.toBe(true);
          expect(accepted).toBe(1); // single use
        }
      }),
      params(runs(600)),
    );
    tally.finish(
      failureOf(details),
      `real Backend API (local-connect) behind it; the genuine answer accepted ${accepted} time(s), at most once`,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The action scripts, built as they are pasted into Corbado's console and run by local-connect's runner
// (worker threads, own environment, timeout), against local-aws through STS and the action role.

describe('fuzz: action scripts', () => {
  let scripts: { preLogin: string; postAppend: string };
  const runners: ActionRunner[] = [];
  beforeAll(async () => {
    scripts = await buildActionsIfNeeded();
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
  });

  function runner(name: string, script: string): ActionRunner {
    const r = new ActionRunner({
      name,
      script,
      env: actionEnv(stack.secrets, stack.urls.localAws),
      timeoutMs: 3000,
      log: () => undefined,
    });
    runners.push(r);
    return r;
  }

  async function invokeAction(tally: Tally, r: ActionRunner, event: unknown): Promise<unknown> {
    tally.inputs += 1;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), ACTION_BOUND_MS);
    });
    try {
      const result = await Promise.race([r.invoke(event), bound]);
      if (result === 'hang') {
        tally.hangs += 1;
        throw new Error(`no answer within ${ACTION_BOUND_MS} ms`);
      }
      return result;
    } catch (error) {
      // The runner rejects when the script threw, crashed, timed out or answered off-contract.
      if (!(error instanceof Error && error.message.startsWith('no answer'))) tally.crashes += 1;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  const eventWith = (field: string, value: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ [field]: value }) },
      { weight: 1, arbitrary: fc.record({ [field]: value, extra: anyJson }) },
      { weight: 1, arbitrary: anyJson },
      { weight: 1, arbitrary: fc.record({ [field]: anyJson }) },
    );

  it('pre-login: always 200 in the contract, a username only for a confirmed user it was typed for', async () => {
    const r = runner('pre-login', scripts.preLogin);
    await r.warm();
    // Control: the action finds alice through STS and Cognito.
    expect(await r.invoke({ identifier: alice.email })).toEqual({
      statusCode: 200,
      body: { identifier: alice.username },
    });
    const tally = new Tally('action pre-login');
    const details = await fc.check(
      fc.asyncProperty(eventWith('identifier', identity()), async (event) => {
        const result = preLoginResultSchema.parse(await invokeAction(tally, r, event));
        if ('error' in result.body) return;
        const typed = (event as { identifier?: unknown }).identifier;
        expect(typeof typed).toBe('string');
        const user = [alice, bob].find((u) => u.username === result.body.identifier);
        expect(user).toBeDefined();
        expect([user?.email, user?.username]).toContain((typed as string).trim().toLowerCase());
      }),
      params(runs(300)),
    );
    tally.finish(failureOf(details), 'built script in a worker, STS + Cognito in local-aws');
  });

  it('post-append: 200 with an outcome or 500 with a code, never a throw', async () => {
    const r = runner('post-append', scripts.postAppend);
    await r.warm();
    const tally = new Tally('action post-append');
    const details = await fc.check(
      fc.asyncProperty(eventWith('username', identity()), async (event) => {
        const result = postAppendResultSchema.parse(await invokeAction(tally, r, event));
        if (result.statusCode === 500) expect(result.body.code).toMatch(/^[a-z_]+$/);
        expect(JSON.stringify(result)).not.toMatch(/\bat \w|Error:/);
      }),
      params(runs(300)),
    );
    tally.finish(failureOf(details), 'built script in a worker, STS + Cognito in local-aws');
  });

  it('the role the actions assume is the configured one (sanity of the setup)', () => {
    expect(actionEnv(stack.secrets, stack.urls.localAws).ASSUME_ROLE_ARN).toBe(ACTION_ROLE_ARN);
  });
});

// ---------------------------------------------------------------------------------------------------------
// local-connect: the Backend API and every Frontend API route, over raw HTTP.

/** The Backend API, the signing key's JWKS, and paths that are no route at all. */
const BACKEND_ROUTES = [
  '/v2/connectTokens',
  '/v2/passkey/verifySignedData',
  '/v2/passkeys/verifySignedData',
  '/.well-known/jwks.json',
  '/v2/unknown',
  '/%E0%A4%A',
];
const FRONTEND_ROUTES = [
  'login/init',
  'login/start',
  'login/finish',
  'append/init',
  'append/start',
  'append/finish',
  'manage/init',
  'manage/list',
  'manage/delete',
  'events',
  'process/clear',
].map((r) => `/v2/connect/${r}`);

const CONNECT_FIELDS = [
  'type',
  'data',
  'maxLifetimeInSeconds',
  'signedPasskeyData',
  'username',
  'clientInformation',
  'flags',
  'invitationToken',
  'identifier',
  'source',
  'loadedMs',
  'loginConnectToken',
  'identifierHintAvailable',
  'oneTapMeta',
  'isConditionalUI',
  'assertionResponse',
  'appendTokenValue',
  'forcePasskeyAppend',
  'attestationResponse',
  'completionType',
  'connectToken',
  'credentialID',
  'processId',
  'eventType',
  'message',
] as const;

function connectPlausible(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case 'type':
      return fc.constantFrom('passkey-append', 'passkey-delete', 'passkey-list', 'passkey-login', 'x');
    case 'data':
      return fc.record({ identifier: identity(), displayName: someString }, { requiredKeys: [] });
    case 'maxLifetimeInSeconds':
    case 'loadedMs':
      return fc.oneof(fc.integer(), fc.double(), fc.constant(1e308));
    case 'signedPasskeyData':
      return answers();
    case 'username':
    case 'identifier':
      return identity();
    case 'assertionResponse':
      return fc.oneof(fc.constant(assertion), mutatedJson(assertion), someString);
    case 'attestationResponse':
      return fc.oneof(fc.constant(attestation), mutatedJson(attestation), someString);
    case 'appendTokenValue':
    case 'loginConnectToken':
    case 'connectToken':
      return fc.oneof(fc.constantFrom(...tokens), someString);
    case 'clientInformation':
    case 'flags':
    case 'oneTapMeta':
      return fc.dictionary(someString, fc.oneof(someString, anyJson), { maxKeys: 3 });
    case 'isConditionalUI':
    case 'identifierHintAvailable':
    case 'forcePasskeyAppend':
      return fc.boolean();
    case 'processId':
      return fc.oneof(fc.constant(processId), someString);
    default:
      return someString;
  }
}

describe('fuzz: local-connect', () => {
  const basic = () =>
    `Basic ${Buffer.from(`${PROJECT_ID}:${stack.secrets.corbadoApiSecret}`).toString('base64')}`;
  const body = () =>
    fc.oneof(
      { weight: 3, arbitrary: fieldsObject(CONNECT_FIELDS, connectPlausible).map((o) => JSON.stringify(o)) },
      { weight: 1, arbitrary: junkBody },
      { weight: 1, arbitrary: fc.constant('x'.repeat(70 * 1024)) },
    );
  const method = fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS');

  it('Backend API and the other routes: only documented 4xx for bad input, with any credentials', async () => {
    const tally = new Tally('local-connect Backend API');
    const details = await fc.check(
      fc.asyncProperty(
        fc.constantFrom(...BACKEND_ROUTES),
        method,
        fc.oneof(
          fc.constant(basic()),
          fc.constant(`Bearer ${stack.secrets.corbadoApiSecret}`),
          headerText,
          fc.constant(undefined),
        ),
        body(),
        async (route, verb, authorization, payload) => {
          const { answer, problem } = await sendCounted(tally, `${stack.urls.localConnect}${route}`, {
            method: verb,
            headers: {
              'content-type': 'application/json',
              ...(authorization === undefined ? {} : { authorization }),
            },
            body: verb === 'POST' || verb === 'PUT' ? payload : undefined,
          });
          expect(problem).toBeUndefined();
          if (answer !== undefined && answer.status >= 400)
            expect(JSON.parse(answer.body)).toHaveProperty('error.type');
        },
      ),
      params(runs(700)),
    );
    await stillAnswers(tally, `${stack.urls.localConnect}/.well-known/jwks.json`);
    tally.finish(failureOf(details), `${BACKEND_ROUTES.length} routes`);
    expect(tally.crashes).toBe(0);
  });

  it('Frontend API: every route, any headers and bodies, only documented 4xx', async () => {
    const tally = new Tally('local-connect Frontend API');
    // Control: a well-formed call through the same path is served.
    expect((await stack.clients.fapi('login/init', {})).status).toBe(200);
    const details = await fc.check(
      fc.asyncProperty(
        fc.constantFrom(...FRONTEND_ROUTES),
        method,
        fc.record(
          {
            origin: fc.oneof(fc.constant(ORIGIN), fc.constant('http://evil.example'), headerText),
            'x-corbado-projectid': fc.oneof(fc.constant(PROJECT_ID), headerText),
            'x-corbado-process-id': fc.oneof(fc.constant(processId), headerText),
            'x-corbado-sdk': fc.oneof(
              fc.constant('{"name":"web-core","sdkVersion":"2.18.0"}'),
              fc.constant('{"name":"web-core","sdkVersion":"3.5.0"}'),
              headerText,
            ),
            'content-type': fc.constantFrom(
              'application/json',
              'text/plain',
              'application/x-www-form-urlencoded',
            ),
          },
          { requiredKeys: [] },
        ),
        body(),
        async (route, verb, headers, payload) => {
          const { answer, problem } = await sendCounted(tally, `${stack.urls.localConnect}${route}`, {
            method: verb,
            headers,
            body: verb === 'POST' || verb === 'PUT' ? payload : undefined,
          });
          expect(problem).toBeUndefined();
          if (answer !== undefined && answer.status >= 400)
            expect(JSON.parse(answer.body)).toHaveProperty('error.type');
        },
      ),
      params(runs(2000)),
    );
    await stillAnswers(tally, `${stack.urls.localConnect}/.well-known/jwks.json`);
    tally.finish(failureOf(details), `${FRONTEND_ROUTES.length} routes, real WebAuthn responses mutated`);
    expect(tally.crashes).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// local-aws: every X-Amz-Target (Cognito and SSM JSON 1.1) and STS's query protocol, signed by the
// configured operator principal (so the input reaches the operation's validation), unsigned, or with a
// forged signature. Last, because admin operations change the pool's state.

const COGNITO_FIELDS = [
  'UserPoolId',
  'ClientId',
  'Username',
  'Password',
  'AuthFlow',
  'AuthParameters',
  'ChallengeName',
  'ChallengeResponses',
  'Session',
  'AccessToken',
  'RefreshToken',
  'Token',
  'ConfirmationCode',
  'UserAttributes',
  'Filter',
  'Limit',
  'PaginationToken',
  'AttributesToGet',
  'Name',
  'Names',
  'WithDecryption',
  'Value',
  'Type',
  'Overwrite',
  'MessageAction',
  'TemporaryPassword',
  'Permanent',
  'EmailMfaSettings',
  'SMSMfaSettings',
  'SoftwareTokenMfaSettings',
  'ClientMetadata',
  'MaxResults',
  'NextToken',
  'PoolName',
  'ClientName',
  'ExplicitAuthFlows',
  'SecretHash',
  'DesiredDeliveryMediums',
  'UsernameAttributes',
] as const;

const hex = fc.uint8Array({ minLength: 1, maxLength: 400 }).map((b) => Buffer.from(b).toString('hex'));

function awsPlausible(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case 'UserPoolId':
      return fc.oneof(fc.constant(USER_POOL_ID), fc.constant('us-east-1_Nope'), someString);
    case 'ClientId':
      return fc.oneof(fc.constant(CLIENT_ID), someString);
    case 'Username':
      return identity();
    case 'Password':
    case 'TemporaryPassword':
      return fc.oneof(fc.constant(PASSWORD), someString);
    case 'AuthFlow':
      return fc.constantFrom(
        'USER_SRP_AUTH',
        'CUSTOM_AUTH',
        'USER_PASSWORD_AUTH',
        'REFRESH_TOKEN_AUTH',
        'REFRESH_TOKEN',
        'ADMIN_USER_PASSWORD_AUTH',
        'USER_AUTH',
        'x',
      );
    case 'AuthParameters':
    case 'ChallengeResponses':
      return fc.record(
        {
          USERNAME: identity(),
          SRP_A: fc.oneof(hex, fc.constantFrom('0', '00', 'ff'.repeat(384)), someString),
          PASSWORD: fc.oneof(fc.constant(PASSWORD), someString),
          REFRESH_TOKEN: someString,
          ANSWER: answers(),
          PASSWORD_CLAIM_SIGNATURE: someString,
          PASSWORD_CLAIM_SECRET_BLOCK: someString,
          TIMESTAMP: someString,
          EMAIL_OTP_CODE: someString,
          NEW_PASSWORD: someString,
          CHALLENGE_NAME: fc.constantFrom('SRP_A', 'x'),
        },
        { requiredKeys: [] },
      );
    case 'ChallengeName':
      return fc.constantFrom(
        'CUSTOM_CHALLENGE',
        'PASSWORD_VERIFIER',
        'EMAIL_OTP',
        'NEW_PASSWORD_REQUIRED',
        'SMS_MFA',
        'x',
      );
    case 'Session':
      return fc.oneof(someString, fc.base64String({ maxLength: 200 }));
    case 'AccessToken':
    case 'Token':
      return fc.oneof(fc.constant(accessToken), jwsLike, someString);
    case 'UserAttributes':
      return fc.array(
        fc.record(
          {
            Name: fc.oneof(fc.constantFrom('email', 'email_verified', 'sub', 'name'), someString),
            Value: someString,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      );
    case 'Filter':
      return fc.oneof(
        identity().map((v) => `email = "${v}"`),
        identity().map((v) => `username ^= "${v}"`),
        someString,
      );
    case 'Limit':
    case 'MaxResults':
      return fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double());
    case 'Name':
      return fc.oneof(fc.constant(SECRET_PARAMETER), fc.constant('/fuzz/param'), someString);
    case 'Names':
      return fc.array(fc.oneof(fc.constant(SECRET_PARAMETER), someString), { maxLength: 12 });
    case 'Type':
      return fc.constantFrom('String', 'SecureString', 'StringList', 'x');
    case 'Value':
      return someString;
    case 'EmailMfaSettings':
    case 'SMSMfaSettings':
    case 'SoftwareTokenMfaSettings':
      return fc.record({ Enabled: fc.boolean(), PreferredMfa: fc.boolean() }, { requiredKeys: [] });
    case 'ExplicitAuthFlows':
      return fc.array(fc.constantFrom('ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'x'), { maxLength: 3 });
    case 'WithDecryption':
    case 'Overwrite':
    case 'Permanent':
      return fc.boolean();
    default:
      return someString;
  }
}

type Signing = 'principal' | 'unsigned' | 'forged' | 'unknown-asia';
const signing = fc.constantFrom<Signing>('principal', 'principal', 'unsigned', 'forged', 'unknown-asia');

async function awsHeaders(
  mode: Signing,
  service: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
) {
  switch (mode) {
    case 'principal':
      return signAws(stack.urls.localAws, service, stack.secrets.admin, headers, body);
    case 'unsigned':
      return headers;
    case 'forged':
      return signAws(
        stack.urls.localAws,
        service,
        { ...stack.secrets.admin, secretAccessKey: 'not-the-secret' },
        headers,
        body,
      );
    case 'unknown-asia':
      return {
        ...(await signAws(
          stack.urls.localAws,
          service,
          { accessKeyId: 'ASIAFUZZ000000000000', secretAccessKey: 'x' },
          headers,
          body,
        )),
        'x-amz-security-token': 'forged',
      };
  }
}

describe('fuzz: local-aws', () => {
  const cognitoTargets = SUPPORTED_TARGETS.filter((t) => t.startsWith('AWSCognitoIdentityProviderService.'));
  const ssmTargets = SUPPORTED_TARGETS.filter((t) => t.startsWith('AmazonSSM.'));

  async function fuzzJsonTargets(
    name: string,
    service: string,
    targets: readonly string[],
    perTarget: number,
  ) {
    // Control: a request signed by the configured principal is served, so the inputs below reach each
    // operation's own validation rather than stopping at the signature check.
    const controlBody =
      service === 'ssm'
        ? JSON.stringify({ Name: SECRET_PARAMETER })
        : JSON.stringify({ UserPoolId: USER_POOL_ID });
    const controlTarget =
      service === 'ssm' ? 'AmazonSSM.GetParameter' : 'AWSCognitoIdentityProviderService.DescribeUserPool';
    const control = await rawRequest(`${stack.urls.localAws}/`, {
      method: 'POST',
      headers: await awsHeaders(
        'principal',
        service,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': controlTarget },
        controlBody,
      ),
      body: controlBody,
    });
    expect(control.status).toBe(200);
    const tally = new Tally(name);
    const failures: string[] = [];
    for (const target of targets) {
      const details = await fc.check(
        fc.asyncProperty(
          fc.oneof(
            {
              weight: 4,
              arbitrary: fieldsObject(COGNITO_FIELDS, awsPlausible).map((o) => JSON.stringify(o)),
            },
            { weight: 1, arbitrary: junkBody },
          ),
          signing,
          fc.constantFrom('application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'text/plain'),
          async (payload, mode, contentType) => {
            const headers = await awsHeaders(
              mode,
              service,
              { 'content-type': contentType, 'x-amz-target': target },
              payload,
            );
            const { answer, problem } = await sendCounted(tally, `${stack.urls.localAws}/`, {
              method: 'POST',
              headers,
              body: payload,
            });
            expect(problem).toBeUndefined();
            if (answer !== undefined && answer.status >= 400) {
              // 400 for bad input, 403 for a request a principal must sign (IncompleteSignature…).
              expect([400, 403]).toContain(answer.status);
              expect(answer.headers['x-amzn-errortype']).toBeTruthy();
            }
          },
        ),
        params(perTarget),
      );
      const failure = failureOf(details);
      if (failure !== undefined) failures.push(`${target}: ${failure}`);
    }
    await stillAnswers(tally, `${stack.urls.localAws}/_local/health`);
    tally.finish(
      failures.length > 0 ? failures.join('\n\n') : undefined,
      `${targets.length} targets, signed by a configured principal, unsigned or forged`,
    );
    expect(tally.crashes).toBe(0);
  }

  it('Cognito: every X-Amz-Target answers 400 with an error type for bad input, never 5xx', async () => {
    await fuzzJsonTargets('local-aws Cognito JSON', 'cognito-idp', cognitoTargets, runs(140));
  }, 600_000);

  it('SSM: every X-Amz-Target answers 400 with an error type for bad input, never 5xx', async () => {
    await fuzzJsonTargets('local-aws SSM JSON', 'ssm', ssmTargets, runs(140));
  }, 120_000);

  it('an unknown X-Amz-Target is a 400 too', async () => {
    const tally = new Tally('local-aws unknown targets');
    const details = await fc.check(
      fc.asyncProperty(headerText, junkBody, async (target, payload) => {
        const { answer, problem } = await sendCounted(tally, `${stack.urls.localAws}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
          body: payload,
        });
        expect(problem).toBeUndefined();
        expect(answer?.status).toBe(400);
      }),
      params(runs(100)),
    );
    tally.finish(failureOf(details), 'random X-Amz-Target values');
  });

  it('STS query protocol: any form body, signed or not, answers 4xx XML, never 5xx', async () => {
    const tally = new Tally('local-aws STS query');
    const form = fc
      .record(
        {
          Action: fc.oneof(fc.constantFrom('AssumeRole', 'GetCallerIdentity', 'GetSessionToken'), someString),
          Version: fc.oneof(fc.constant('2011-06-15'), someString),
          RoleArn: fc.oneof(fc.constant(ACTION_ROLE_ARN), someString),
          RoleSessionName: fc.oneof(fc.constant('fuzz-session'), someString),
          DurationSeconds: fc.oneof(fc.integer({ min: -1, max: 50_000 }).map(String), someString),
          ExternalId: fc.oneof(fc.constant(stack?.secrets.externalId ?? 'x'), someString),
          Policy: someString,
          'PolicyArns.member.1.arn': someString,
        },
        { requiredKeys: [] },
      )
      .map((fields) => new URLSearchParams(fields).toString());
    const details = await fc.check(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: form }, { weight: 1, arbitrary: junkBody }),
        fc.constantFrom<Signing | 'actions'>('actions', 'principal', 'unsigned', 'forged', 'unknown-asia'),
        async (payload, mode) => {
          const base = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
          const headers =
            mode === 'actions'
              ? await signAws(stack.urls.localAws, 'sts', stack.secrets.actions, base, payload)
              : await awsHeaders(mode, 'sts', base, payload);
          const { answer, problem } = await sendCounted(tally, `${stack.urls.localAws}/`, {
            method: 'POST',
            headers,
            body: payload,
          });
          expect(problem).toBeUndefined();
          if (answer !== undefined && answer.status >= 400) expect(answer.body).toContain('<ErrorResponse');
        },
      ),
      params(runs(600)),
    );
    await stillAnswers(tally, `${stack.urls.localAws}/_local/health`);
    tally.finish(
      failureOf(details),
      'AssumeRole / GetCallerIdentity forms, signed by the actions principal, another, none, forged',
    );
    expect(tally.crashes).toBe(0);
  });
});

describe('fuzz: scale', () => {
  it('fed at least 10,000 inputs in all at the default scale', () => {
    console.log(`fuzz: ${Tally.total} inputs in all (FUZZ_RUNS=${FUZZ_RUNS}, seed ${FUZZ_SEED})`);
    expect(Tally.total).toBeGreaterThanOrEqual(runs(10_000));
  });
});
