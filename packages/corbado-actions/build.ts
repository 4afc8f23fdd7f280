// npm run build: dist/pre-login.mjs and dist/post-append.mjs, the modules pasted into Corbado's console.
import { join } from 'node:path';

import { bundleActions } from './src/bundle';

const results = await bundleActions(join(import.meta.dirname, 'dist'));
for (const { file, bytes } of results) {
  console.log(`${file}  ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)`);
}
