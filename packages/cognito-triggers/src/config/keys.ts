/**
 * The environment contract of the three trigger Lambdas: the key names, defined with the rest of the
 * deployment in `@cognito-passkeys/deployment` (which the CDK stack and local-aws write from).
 */
export { ENV, type EnvKey } from '@cognito-passkeys/deployment/environment';
