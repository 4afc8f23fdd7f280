// `npm start`: builds what is needed, starts local-aws, local-connect and the app, and stops them all on
// Ctrl-C. State stays in the data dir (DATA_DIR, default .data/) between runs.
import { join } from 'node:path';

import { startLocalStack } from './local-stack';

const stack = await startLocalStack();

console.log(`
  Passkeys for Cognito is running.

  Open            ${stack.urls.app}
  Outbox (codes)  ${stack.urls.outbox}
  local-aws       ${stack.urls.localAws}   (user pool ${stack.ids.userPoolId}, client ${stack.ids.clientId})
  local-connect   ${stack.urls.localConnect}   (project ${stack.ids.corbadoProjectId})
  Every URL and ID: ${join(stack.dataDir, 'stack.json')}
  Admin key       ${stack.adminCredentials.accessKeyId} (arn:aws:iam::${stack.ids.accountId}:user/local-developer);
                  its secret is developerSecretAccessKey in ${join(stack.dataDir, 'secrets.json')}.
                  local-aws answers Cognito admin and SSM calls only when signed with it.
  Passkey mode    ${stack.passkeyMode.parameter} (read every ${stack.passkeyMode.cacheSeconds} s)

  The admin CLI against this stack (in another terminal):
    export AWS_REGION=${stack.ids.region} AWS_ENDPOINT_URL=${stack.urls.localAws}
    export AWS_ACCESS_KEY_ID=${stack.adminCredentials.accessKeyId}
    export AWS_SECRET_ACCESS_KEY=$(node -p "require('${join(stack.dataDir, 'secrets.json')}').developerSecretAccessKey")
    npx cognito-passkeys status --user-pool-id ${stack.ids.userPoolId} --client-id ${stack.ids.clientId}
    npx cognito-passkeys mode set login-only

  Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Stopping failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  });
}
