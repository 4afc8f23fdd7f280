/**
 * Every error type this server answers with. The names are the service's own `__type` values, so the
 * official clients raise their typed exceptions (`UserNotFoundException`, `ParameterNotFound`, …).
 */
export const ERROR_CODES = [
  // Cognito user pools
  'InvalidParameterException',
  'InvalidPasswordException',
  'NotAuthorizedException',
  'PasswordResetRequiredException',
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
  /** A browser request from an origin not in `allowedOrigins`, or any browser request for the outbox. */
  'ForbiddenException',
  // SSM
  'ParameterNotFound',
  'ParameterAlreadyExists',
  'ValidationException',
  // Request authentication and authorization on the JSON protocols (Cognito, SSM)
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'ExpiredTokenException',
  // STS (query protocol; answered as XML with the status in STS_ERROR_STATUS)
  'AccessDenied',
  'ValidationError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'InvalidAction',
  // Transport
  'UnknownOperationException',
  'SerializationException',
  'RequestEntityTooLargeException',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The STS codes with their HTTP status, as STS answers them (all are the caller's fault: `Sender`). */
export const STS_ERROR_STATUS: Partial<Record<ErrorCode, number>> = {
  AccessDenied: 403,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  ValidationError: 400,
  ExpiredToken: 400,
  InvalidAction: 400,
};

/**
 * The JSON-protocol codes answered with another status than 400, as AWS answers them (the common errors:
 * a missing signature is 403; Cognito's `ForbiddenException`, a request its web ACL refuses, too).
 */
export const JSON_ERROR_STATUS: Partial<Record<ErrorCode, number>> = {
  MissingAuthenticationTokenException: 403,
  ForbiddenException: 403,
};

/** Mistakes in the server's own configuration, found at start. */
export type ConfigErrorCode = 'InvalidConfig' | 'FunctionNotFound' | 'FunctionLoadFailed';
