'use client';

import { CorbadoConnectProvider } from '@corbado/connect-react';
import { Amplify } from 'aws-amplify';
import { createContext, useContext, type ReactNode } from 'react';

import type { PublicConfig } from '@/lib/config';
import { localCognitoEndpoint, seedLocalFrontendApi } from '@/lib/local-stack';

const ConfigContext = createContext<PublicConfig | null>(null);

export function usePublicConfig(): PublicConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('usePublicConfig outside <Providers>');
  return config;
}

let configuredFor: string | undefined;

/** Amplify and the Connect components, configured once per page from the runtime config. */
function configureBrowser(config: PublicConfig): void {
  if (typeof window === 'undefined') return;
  const key = JSON.stringify(config);
  if (configuredFor === key) return;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        loginWith: { email: true },
        ...localCognitoEndpoint(config.cognitoEndpoint),
      },
    },
  });
  // Before the Connect components' first effect (they mount below): see local-stack.ts.
  seedLocalFrontendApi(config.corbadoProjectId, config.corbadoFrontendApiUrl);
  configuredFor = key;
}

export function Providers({ config, children }: { config: PublicConfig; children: ReactNode }) {
  configureBrowser(config);
  return (
    <ConfigContext.Provider value={config}>
      <CorbadoConnectProvider
        projectId={config.corbadoProjectId}
        frontendApiUrlSuffix={config.corbadoFrontendApiUrlSuffix}
      >
        {children}
      </CorbadoConnectProvider>
    </ConfigContext.Provider>
  );
}
