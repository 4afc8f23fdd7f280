// What an attacker (and the suite's own set-up) does to the running local stack: users through the pool's
// admin API, passkeys through local-connect's Frontend API with a software authenticator, and sign-ins
// through Cognito's custom-auth flow with the AWS SDK. Every attack class is one tally: each attempt is
// recorded as accepted or not, the row goes into the final table, and the test fails if any was accepted.
// Over 300 lines on purpose: every attack file drives the same ceremonies (users, passkeys, custom-auth
// sign-ins, tallies), and one module keeps them identical to what the controls do.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCorbadoBackend, type ConnectTokenType } from '@cognito-passkeys/corbado-backend';
import {
  SoftwareAuthenticator,
  type CeremonyOptions,
} from '@cognito-passkeys/local-connect/software-authenticator';
import { expect } from 'vitest';

import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { PASSWORD, createUser as createPoolUser } from '../../e2e/support';
import { record } from './figures';

export { SoftwareAuthenticator };

export { PASSWORD };
export const EVIL_ORIGIN = 'https://evil.example';

/** The local stack on free ports in a data dir of its own, quiet; `stop()` also removes the data dir. */
export async function startAttackedStack(): Promise<LocalStack & { corbadoApiSecret: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passkeys-security-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { app: 0, localAws: 0, localConnect: 0 },
    appOutput: () => undefined,
    log: () => undefined,
  });
  const { corbadoApiSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as {
    corbadoApiSecret: string;
  };
  return {
    ...stack,
    corbadoApiSecret,
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Tallies: one row of the final table per attack class.

export interface Tally {
  /** Records one attempt; `accepted` is true when the attack worked. */
  attempt(label: string, accepted: boolean): void;
  /**
   * Records an honest action that must succeed next to the attacks (the same user, the same stack): without
   * it a refusal could be a broken stack rather than a defence.
   */
  control(label: string, succeeded: boolean): void;
  /** Records the row and fails the test, naming every accepted attempt and every failed control. */
  finish(note?: string): void;
}

export function tally(name: string): Tally {
  const attempts: { label: string; accepted: boolean }[] = [];
  const failedControls: string[] = [];
  return {
    attempt(label, accepted) {
      attempts.push({ label, accepted });
    },
    control(label, succeeded) {
      if (!succeeded) failedControls.push(label);
    },
    finish(note) {
      const accepted = attempts.filter((a) => a.accepted).map((a) => a.label);
      const notes = [
        ...(note === undefined ? [] : [note]),
        ...(failedControls.length > 0 ? [`control failed: ${failedControls.join(', ')}`] : []),
      ];
      record({
        kind: 'attack',
        name,
        figures: { tried: attempts.length, accepted: accepted.length },
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      });
      expect(attempts.length, `${name}: no attempt was made`).toBeGreaterThan(0);
      expect(accepted, `${name}: accepted attempts`).toEqual([]);
      expect(failedControls, `${name}: honest controls that failed (the refusals prove nothing)`).toEqual([]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Cognito

type StackRef = Pick<LocalStack, 'urls' | 'ids' | 'adminCredentials'>;

export function adminClient(stack: StackRef): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: stack.urls.localAws,
    region: stack.ids.region,
    credentials: stack.adminCredentials,
    maxAttempts: 1,
  });
}

/** The pool's public API as a browser (Amplify) calls it: no AWS credentials of any worth. */
export function publicClient(stack: StackRef): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: stack.urls.localAws,
    region: stack.ids.region,
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
    maxAttempts: 1,
  });
}

export interface User {
  email: string;
  /** The Cognito username (the pool signs in by email; the username is the user's own ID). */
  username: string;
}

let userCounter = 0;

/** A confirmed user with a verified email and a permanent password, made with the pool's admin API. */
export async function createUser(stack: StackRef, name: string): Promise<User> {
  userCounter += 1;
  const email = `${name}-${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await createPoolUser(stack, email);
  // The username the pool gave the user (the pool signs in by email): what passkeys are stored under.
  const { username } = await startCustomAuth(stack, email);
  expect(username).not.toBe(email);
  return { email, username };
}

/** SignUp and ConfirmSignUp with the code from the outbox, as a visitor signs up. */
export async function signUp(stack: StackRef, email: string): Promise<void> {
  const cognito = publicClient(stack);
  try {
    await cognito.send(
      new SignUpCommand({
        ClientId: stack.ids.clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const res = await fetch(`${stack.urls.outbox}?to=${encodeURIComponent(email)}`);
    const { messages } = (await res.json()) as { messages: { code?: string }[] };
    const code = messages.find((m) => m.code)?.code;
    if (!code) throw new Error(`no confirmation code for ${email} in the outbox`);
    await cognito.send(
      new ConfirmSignUpCommand({ ClientId: stack.ids.clientId, Username: email, ConfirmationCode: code }),
    );
  } finally {
    cognito.destroy();
  }
}

export interface SignInOutcome {
  /** Tokens: the attack worked if this was not meant to sign in. */
  tokens?: AuthenticationResultType;
  /** The Cognito error the attempt ended with (its name). */
  error?: string;
  /** The pool asked for another answer (a wrong answer with attempts left). */
  session?: string;
}

/** Answers a Cognito session's challenge; an error is an outcome, not a throw. */
export async function respond(
  stack: StackRef,
  session: string,
  answer: string,
  username: string,
  challengeName = 'CUSTOM_CHALLENGE',
): Promise<SignInOutcome> {
  const cognito = publicClient(stack);
  try {
    const out = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.ids.clientId,
        ChallengeName: challengeName as 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses:
          challengeName === 'CUSTOM_CHALLENGE'
            ? { USERNAME: username, ANSWER: answer }
            : { USERNAME: username, PASSWORD_CLAIM_SIGNATURE: answer, PASSWORD_CLAIM_SECRET_BLOCK: answer },
      }),
    );
    return {
      ...(out.AuthenticationResult ? { tokens: out.AuthenticationResult } : {}),
      ...(out.Session ? { session: out.Session } : {}),
    };
  } catch (error) {
    return { error: nameOf(error) };
  } finally {
    cognito.destroy();
  }
}

/** InitiateAuth(CUSTOM_AUTH) for `email`: the session and the username Cognito knows the user by. */
export async function startCustomAuth(
  stack: StackRef,
  email: string,
): Promise<{ session: string; username: string }> {
  const cognito = publicClient(stack);
  try {
    const out = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: stack.ids.clientId,
        AuthParameters: { USERNAME: email },
      }),
    );
    expect(out.ChallengeName).toBe('CUSTOM_CHALLENGE');
    return { session: out.Session!, username: out.ChallengeParameters?.USERNAME ?? email };
  } finally {
    cognito.destroy();
  }
}

/** The browser's passkey sign-in, Cognito half: CUSTOM_AUTH for `email`, answered with `signedPasskeyData`. */
export async function signInWithPasskeyData(
  stack: StackRef,
  email: string,
  signedPasskeyData: string,
): Promise<SignInOutcome> {
  const { session, username } = await startCustomAuth(stack, email);
  return respond(stack, session, signedPasskeyData, username);
}

export function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}

// ---------------------------------------------------------------------------------------------------------
// Corbado Connect

/** The Backend API as the app and the triggers call it, with the project's secret. */
export function backendOf(stack: LocalStack & { corbadoApiSecret: string }) {
  return createCorbadoBackend({
    baseUrl: stack.urls.localConnect,
    projectId: stack.ids.corbadoProjectId,
    apiSecret: stack.corbadoApiSecret,
  });
}

export async function connectToken(
  stack: LocalStack & { corbadoApiSecret: string },
  type: ConnectTokenType,
  user: User,
): Promise<string> {
  return backendOf(stack).createConnectToken(type, { identifier: user.username, displayName: user.email });
}

export interface FapiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Frontend API calls from Node with the headers web-core sends. */
export function frontendApi(baseUrl: string, projectId: string) {
  return async function post(
    path: string,
    body: unknown,
    options: { processId?: string; origin?: string } = {},
  ): Promise<FapiAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-corbado-projectid': projectId,
      'x-corbado-sdk': JSON.stringify({ name: 'web-core', sdkVersion: '2.18.0' }),
    };
    if (options.processId) headers['x-corbado-process-id'] = options.processId;
    if (options.origin) headers.origin = options.origin;
    const res = await fetch(`${baseUrl}/v2/connect/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { unparsed: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** One user's passkey device and the ceremonies it runs against one Connect project. */
export class PasskeyDevice {
  readonly authenticator = new SoftwareAuthenticator();
  private readonly post: ReturnType<typeof frontendApi>;

  constructor(
    readonly connectUrl: string,
    readonly projectId: string,
    /** The page origin the browser would write into clientDataJSON. */
    readonly origin: string,
  ) {
    this.post = frontendApi(connectUrl, projectId);
  }

  call(path: string, body: unknown, processId?: string): Promise<FapiAnswer> {
    return this.post(path, body, { origin: this.origin, ...(processId ? { processId } : {}) });
  }

  async process(kind: 'login' | 'append' | 'manage'): Promise<string> {
    const res = await this.call(`${kind}/init`, { clientInformation: {}, flags: {} });
    expect(res.status).toBe(200);
    return (res.body.token ?? res.body.processID) as string;
  }

  /** append/start with `appendToken`; the raw answer. */
  async appendStart(appendToken: string): Promise<{ processId: string; res: FapiAnswer }> {
    const processId = await this.process('append');
    const res = await this.call('append/start', { appendTokenValue: appendToken, loadedMs: 1 }, processId);
    return { processId, res };
  }

  /** A new passkey for the append token's user; its credential ID. */
  async append(appendToken: string, ceremony: Partial<CeremonyOptions> = {}): Promise<string> {
    const { processId, res } = await this.appendStart(appendToken);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const attestationResponse = this.authenticator.create(res.body.attestationOptions as string, {
      origin: this.origin,
      ...ceremony,
    });
    const finish = await this.call('append/finish', { attestationResponse }, processId);
    expect(finish.status, JSON.stringify(finish.body)).toBe(200);
    return (JSON.parse(attestationResponse) as { id: string }).id;
  }

  /**
   * login/init + login/start for what the user types (the pre-login action maps it to the username), or with
   * a `passkey-login` connect token from the Backend API, which skips the action; the assertion options (or
   * the fallback answer).
   */
  async loginStart(identifier: string, loginToken?: string): Promise<{ processId: string; res: FapiAnswer }> {
    const processId = await this.process('login');
    const res = await this.call(
      'login/start',
      {
        identifier,
        source: 'text-field',
        loadedMs: 1,
        ...(loginToken === undefined ? {} : { loginConnectToken: loginToken }),
      },
      processId,
    );
    return { processId, res };
  }

  /** A whole typed login; `ceremony` bends the assertion (origin, counter, UV, …). The finish answer. */
  async login(
    identifier: string,
    ceremony: Partial<CeremonyOptions> = {},
    loginToken?: string,
  ): Promise<FapiAnswer> {
    const { processId, res } = await this.loginStart(identifier, loginToken);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const options = res.body.assertionOptions as string;
    expect(options, 'the user has a passkey').not.toBe('');
    const assertionResponse = this.authenticator.get(options, { origin: this.origin, ...ceremony });
    return this.call('login/finish', { isConditionalUI: false, assertionResponse }, processId);
  }

  /** signedPasskeyData from an honest login (typed, or with a `passkey-login` connect token). */
  async signedPasskeyData(identifier: string, loginToken?: string): Promise<string> {
    const finish = await this.login(identifier, {}, loginToken);
    expect(finish.status, JSON.stringify(finish.body)).toBe(200);
    const data = finish.body.signedPasskeyData as string;
    expect(data).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    return data;
  }
}

/** A user with one passkey on `device`, added with an append token from the Backend API. */
export async function userWithPasskey(
  stack: LocalStack & { corbadoApiSecret: string },
  device: PasskeyDevice,
  name: string,
): Promise<User & { credentialId: string }> {
  const user = await createUser(stack, name);
  const credentialId = await device.append(await connectToken(stack, 'passkey-append', user));
  return { ...user, credentialId };
}

export function deviceFor(stack: LocalStack): PasskeyDevice {
  return new PasskeyDevice(stack.urls.localConnect, stack.ids.corbadoProjectId, stack.urls.app);
}
