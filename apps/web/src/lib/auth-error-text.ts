/** A readable message for an Amplify or Cognito error; never a stack trace. */
export function describeAuthError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAuthorizedException':
      return 'Incorrect email or password.';
    case 'UserNotFoundException':
      return 'Incorrect email or password.';
    case 'UserNotConfirmedException':
      return 'Please confirm your email address first.';
    case 'UsernameExistsException':
      return 'An account with this email already exists.';
    case 'CodeMismatchException':
      return 'That code is not right. Please check it and try again.';
    case 'ExpiredCodeException':
      return 'That code has expired. Please request a new one.';
    case 'InvalidPasswordException':
      return 'The password does not meet the requirements (at least 8 characters with upper and lower case, a digit and a symbol).';
    case 'LimitExceededException':
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
      return 'Too many attempts. Please wait a moment and try again.';
    case 'EmptySignInUsername':
    case 'EmptySignInPassword':
      return 'Please enter your email and password.';
    default:
      return 'Something went wrong. Please try again.';
  }
}
