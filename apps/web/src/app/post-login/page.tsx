import { Suspense } from 'react';

import { PostLoginView } from './post-login-view';

export default function PostLoginPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <PostLoginView passkeyMode="on" />
    </Suspense>
  );
}
