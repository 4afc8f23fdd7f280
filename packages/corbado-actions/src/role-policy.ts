// The one definition of what Corbado's actions may do in the customer's account. The CDK construct builds
// the cross-account role from it; local-aws enforces it on the temporary credentials it issues.

/** Exactly the Cognito actions the two scripts call, on one user pool, nothing else. */
export const ACTION_ROLE_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListUsers',
  'cognito-idp:AdminSetUserMFAPreference',
] as const;

/** Longest session the role allows; the scripts ask for this and refresh five minutes before the end. */
export const ACTION_ROLE_MAX_SESSION_SECONDS = 3600;

/** The role session name the scripts use (shows in the customer's CloudTrail). */
export const ACTION_ROLE_SESSION_NAME = 'corbado-connect-action';
