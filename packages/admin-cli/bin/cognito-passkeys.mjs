#!/usr/bin/env node
// Runs the TypeScript entry through tsx, so `npx cognito-passkeys` works from the repo without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
