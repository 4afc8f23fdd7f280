import { Suspense } from 'react';

import { SignUpView } from './signup-view';

export default function SignUpPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <SignUpView passkeyMode="on" />
    </Suspense>
  );
}
