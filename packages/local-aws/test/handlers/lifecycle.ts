import type {
  PostConfirmationTriggerHandler,
  PreSignUpTriggerHandler,
  PreTokenGenerationTriggerHandler,
} from 'aws-lambda';

/** Sign-up and token triggers for the emulator's own tests. */
export const confirmedUsers: string[] = [];
(globalThis as { localAwsConfirmedUsers?: string[] }).localAwsConfirmedUsers = confirmedUsers;

export const preSignUp: PreSignUpTriggerHandler = async (event) => {
  if (event.request.userAttributes.email?.endsWith('@auto.example.com')) {
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;
  }
  if (event.request.userAttributes.email?.startsWith('blocked')) throw new Error('blocked');
  return Promise.resolve(event);
};

export const postConfirmation: PostConfirmationTriggerHandler = async (event) => {
  confirmedUsers.push(event.userName);
  return Promise.resolve(event);
};

export const preToken: PreTokenGenerationTriggerHandler = async (event) => {
  event.response.claimsOverrideDetails = {
    claimsToAddOrOverride: { 'custom:tier': 'gold', sub: 'forged' },
    claimsToSuppress: ['email'],
  };
  return Promise.resolve(event);
};
