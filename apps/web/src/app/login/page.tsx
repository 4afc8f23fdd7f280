import { Suspense } from 'react';

import { LoginView } from './login-view';

export default function LoginPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <LoginView passkeyMode="on" />
    </Suspense>
  );
}
