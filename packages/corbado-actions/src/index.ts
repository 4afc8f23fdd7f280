export * from './contract';
export * from './role-policy';
