import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';

import { Providers } from '@/components/providers';
import { publicConfig } from '@/lib/config';
import { localBrowserConfig } from '@/lib/local-stack';

import './globals.css';

// The configuration is read at request time, so one build serves any deployment.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Passkeys for Cognito',
  description: 'Sign in with a passkey to an Amazon Cognito user pool, with Corbado Connect.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            <span className="mark" aria-hidden="true" /> Passkeys for Cognito
          </a>
        </header>
        <main className="page">
          <Providers config={publicConfig()} local={localBrowserConfig()}>
            {children}
          </Providers>
        </main>
      </body>
    </html>
  );
}
