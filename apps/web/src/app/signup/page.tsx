import { Suspense } from 'react';

import { serverConfig } from '@/lib/config';
import { currentPasskeyMode } from '@/lib/passkey-mode';

import { SignUpView } from './signup-view';

// Rendered per request with the passkey mode of the moment: a flip of the kill switch shows without a deploy.
export const dynamic = 'force-dynamic';

export default async function SignUpPage() {
  const passkeyMode = await currentPasskeyMode(serverConfig());
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <SignUpView passkeyMode={passkeyMode} />
    </Suspense>
  );
}
