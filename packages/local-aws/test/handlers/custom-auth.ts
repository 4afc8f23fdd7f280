import type {
  CreateAuthChallengeTriggerHandler,
  DefineAuthChallengeTriggerHandler,
  VerifyAuthChallengeResponseTriggerHandler,
} from 'aws-lambda';

/** Minimal custom-auth triggers for the emulator's own tests: one secret answer, three tries. */
export const recorded: unknown[] = [];
(globalThis as { localAwsTriggerEvents?: unknown[] }).localAwsTriggerEvents = recorded;

export const define: DefineAuthChallengeTriggerHandler = async (event) => {
  recorded.push(structuredClone(event));
  const session = event.request.session;
  const last = session.at(-1);
  if (last?.challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else if (session.length >= 3) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return Promise.resolve(event);
};

export const create: CreateAuthChallengeTriggerHandler = async (event) => {
  recorded.push(structuredClone(event));
  event.response.publicChallengeParameters = { type: 'TEST', round: String(event.request.session.length) };
  event.response.privateChallengeParameters = { answer: 'open-sesame' };
  if (event.request.session.length > 0)
    event.response.challengeMetadata = `ROUND-${event.request.session.length}`;
  return Promise.resolve(event);
};

export const verify: VerifyAuthChallengeResponseTriggerHandler = async (event) => {
  recorded.push(structuredClone(event));
  event.response.answerCorrect =
    event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
  return Promise.resolve(event);
};

export const throwing: DefineAuthChallengeTriggerHandler = () => Promise.reject(new Error('secret detail'));

export const slow: DefineAuthChallengeTriggerHandler = () => new Promise(() => undefined);
