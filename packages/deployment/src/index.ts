// The deployment, described once: the trigger functions, the user pool and its app client, the parameter
// names and the actions role. The CDK construct, the local stack, the bench and the tests map from here.
export * from './environment';
export * from './handlers';
export * from './user-pool';
export * from './actions-role';
export * from './stack-values';
export * from './operations';
export {
  REPO_ROOT,
  TRIGGER_BUNDLE_BUDGET_BYTES,
  TRIGGER_BUNDLING,
  triggerBuildOptions,
  triggerEntry,
  type TriggerBuildOptions,
} from './bundling';
