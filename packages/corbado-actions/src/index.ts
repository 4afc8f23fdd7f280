export * from './contract';
export * from './role-policy';
export { ACTION_ERROR_CODES, type ActionErrorCode } from './errors';
