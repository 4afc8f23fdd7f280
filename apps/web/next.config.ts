import type { NextConfig } from 'next';

import { serverActionAllowedOrigins } from './src/lib/server-action-origin';

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ['@cognito-passkeys/corbado-backend', '@cognito-passkeys/deployment'],
  poweredByHeader: false,
  // The build type-checks what it ships: the tests (and the local stack packages they import) are checked
  // by `tsc -p tsconfig.json` and vitest instead.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  reactStrictMode: true,
  // The same list the proxy checks Server Action origins against (src/lib/server-action-origin.ts).
  experimental: { serverActions: { allowedOrigins: [...serverActionAllowedOrigins] } },
};

export default config;
