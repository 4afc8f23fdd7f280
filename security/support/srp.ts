// Password sign-in with SRP as Amplify v6 signs in, many at once. Amplify's `signIn` keeps one signed-in
// user per process, so concurrent sign-ins cannot go through it; they use Amplify's own SRP math instead
// (`@aws-amplify/auth`'s `utils/srp`, the module its `handlePasswordVerifierChallenge` calls, loaded by
// its file path because the package does not export it) and send the same two requests with the AWS SDK:
// InitiateAuth USER_SRP_AUTH, then RespondToAuthChallenge PASSWORD_VERIFIER. The math runs in worker
// threads (`srp-worker.mjs`): it is pure-JS big-integer work, and on the test's own event loop it would
// starve the requests of a hundred concurrent sign-ins.
import { Worker } from 'node:worker_threads';

import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

interface WorkerAnswer {
  id: number;
  error?: string;
  A?: string;
  signature?: string;
  timestamp?: string;
}

/** A small pool of SRP math workers; a sign-in's two steps go to the same worker (it holds `a`). */
export class SrpMath {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (answer: WorkerAnswer) => void>();
  private nextId = 1;

  constructor(size = 2) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./srp-worker.mjs', import.meta.url));
      worker.on('message', (answer: WorkerAnswer) => {
        this.pending.get(answer.id)?.(answer);
        this.pending.delete(answer.id);
      });
      return worker;
    });
  }

  private ask(worker: Worker, message: Record<string, unknown> & { id: number }): Promise<WorkerAnswer> {
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, (answer) =>
        answer.error === undefined ? resolve(answer) : reject(new Error(`SRP math failed (${answer.error})`)),
      );
      worker.postMessage(message);
    });
  }

  /** Starts a sign-in: returns `SRP_A` and the function that answers the server's challenge. */
  async start(userPoolName: string) {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length] as Worker;
    const { A } = await this.ask(worker, { id, op: 'start', userPoolName });
    return {
      A: A ?? '',
      claim: async (username: string, password: string, challengeParameters: Record<string, string>) => {
        const answer = await this.ask(worker, { id, op: 'claim', username, password, challengeParameters });
        return { signature: answer.signature ?? '', timestamp: answer.timestamp ?? '' };
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One SRP password sign-in; resolves with the tokens, or rejects with Cognito's error. */
export async function srpSignIn(
  math: SrpMath,
  cognito: CognitoIdentityProviderClient,
  ids: { userPoolId: string; clientId: string },
  username: string,
  password: string,
): Promise<AuthenticationResultType> {
  const userPoolName = ids.userPoolId.split('_')[1] ?? '';
  const session = await math.start(userPoolName);
  const started = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: ids.clientId,
      AuthParameters: { USERNAME: username, SRP_A: session.A },
    }),
  );
  if (started.ChallengeName !== 'PASSWORD_VERIFIER') {
    throw new Error(`expected PASSWORD_VERIFIER, got ${started.ChallengeName ?? 'nothing'}`);
  }
  const params = started.ChallengeParameters ?? {};
  const userIdForSrp = params.USER_ID_FOR_SRP ?? '';
  const { signature, timestamp } = await session.claim(userIdForSrp, password, params);
  const done = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: ids.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: started.Session,
      ChallengeResponses: {
        USERNAME: userIdForSrp,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK ?? '',
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: signature,
      },
    }),
  );
  if (done.AuthenticationResult?.IdToken === undefined) {
    throw new Error(`password sign-in gave no tokens (challenge ${done.ChallengeName ?? 'none'})`);
  }
  return done.AuthenticationResult;
}
