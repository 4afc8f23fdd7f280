/**
 * Every error type this server answers with. The names are the service's own `__type` values, so the
 * official clients raise their typed exceptions (`UserNotFoundException`, `ParameterNotFound`, …).
 */
export const ERROR_CODES = [
  // Cognito user pools
  'InvalidParameterException',
  'InvalidPasswordException',
  'NotAuthorizedException',
  'UserNotFoundException',
  'UserNotConfirmedException',
  'UsernameExistsException',
  'AliasExistsException',
  'CodeMismatchException',
  'ExpiredCodeException',
  'LimitExceededException',
  'TooManyFailedAttemptsException',
  'ResourceNotFoundException',
  'UserLambdaValidationException',
  'UnexpectedLambdaException',
  'InvalidLambdaResponseException',
  'UnsupportedOperationException',
  'InvalidUserPoolConfigurationException',
  // SSM
  'ParameterNotFound',
  'ParameterAlreadyExists',
  'ValidationException',
  // Transport
  'UnknownOperationException',
  'SerializationException',
  'RequestEntityTooLargeException',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Mistakes in the server's own configuration, found at start. */
export type ConfigErrorCode = 'InvalidConfig' | 'FunctionNotFound' | 'FunctionLoadFailed';
