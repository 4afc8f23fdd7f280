import { Suspense } from 'react';

import { serverConfig } from '@/lib/config';
import { currentPasskeyMode } from '@/lib/passkey-mode';

import { ProfileView } from './profile-view';

// Rendered per request with the passkey mode of the moment: a flip of the kill switch shows without a deploy.
export const dynamic = 'force-dynamic';

export default async function ProfilePage() {
  const passkeyMode = await currentPasskeyMode(serverConfig());
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ProfileView passkeyMode={passkeyMode} />
    </Suspense>
  );
}
