'use client';

import { CorbadoConnectProvider } from '@corbado/connect-react';
import { Amplify } from 'aws-amplify';
import { createContext, useContext, useMemo, type ReactNode } from 'react';

import type { PublicConfig } from '@/lib/config';
import {
  codeDeliveryHint,
  localCognitoEndpoint,
  seedLocalFrontendApi,
  type LocalBrowserConfig,
} from '@/lib/local-stack';

const ConfigContext = createContext<{ config: PublicConfig; local: LocalBrowserConfig } | null>(null);

function useConfigContext() {
  const context = useContext(ConfigContext);
  if (!context) throw new Error('a config hook outside <Providers>');
  return context;
}

export function usePublicConfig(): PublicConfig {
  return useConfigContext().config;
}

/** Where the user finds the codes the app emails them, when the deployment says (else nothing). */
export function CodeDeliveryHint() {
  const hint = codeDeliveryHint(useConfigContext().local);
  if (!hint) return null;
  return (
    <p className="hint" data-testid="code-delivery-hint">
      {hint.text}{' '}
      <a href={hint.url} target="_blank" rel="noreferrer">
        Open the local outbox
      </a>
    </p>
  );
}

let configuredFor: string | undefined;

/** Amplify and the Connect components, configured once per page from the runtime config. */
function configureBrowser(config: PublicConfig, local: LocalBrowserConfig): void {
  if (typeof window === 'undefined') return;
  const key = JSON.stringify([config, local]);
  if (configuredFor === key) return;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        loginWith: { email: true },
        ...localCognitoEndpoint(local),
      },
    },
  });
  // Before the Connect components' first effect (they mount below): see local-stack.ts.
  seedLocalFrontendApi(config.corbadoProjectId, local);
  configuredFor = key;
}

export function Providers({
  config,
  local,
  children,
}: {
  config: PublicConfig;
  /** The local stack's overrides (`local-stack.ts`); empty against AWS and Corbado. */
  local: LocalBrowserConfig;
  children: ReactNode;
}) {
  configureBrowser(config, local);
  const value = useMemo(() => ({ config, local }), [config, local]);
  return (
    <ConfigContext.Provider value={value}>
      <CorbadoConnectProvider
        projectId={config.corbadoProjectId}
        frontendApiUrlSuffix={config.corbadoFrontendApiUrlSuffix}
      >
        {children}
      </CorbadoConnectProvider>
    </ConfigContext.Provider>
  );
}
