// The trigger bundling of the deployment definition in CDK's form (`NodejsFunction`'s `bundling`). The
// options themselves, the budget and the esbuild form live in @cognito-passkeys/deployment.
import { TRIGGER_BUNDLING as DEFINITION } from '@cognito-passkeys/deployment/bundling';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export {
  TRIGGER_BUNDLE_BUDGET_BYTES,
  triggerBuildOptions,
  triggerEntry,
} from '@cognito-passkeys/deployment/bundling';

/** The `bundling` of every trigger function. */
export const TRIGGER_BUNDLING: BundlingOptions = {
  format: DEFINITION.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
  minify: DEFINITION.minify,
  sourceMap: DEFINITION.sourceMap,
  target: DEFINITION.target,
  mainFields: [...DEFINITION.mainFields],
  externalModules: [...DEFINITION.externalModules],
  banner: DEFINITION.banner,
};
