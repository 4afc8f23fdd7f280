import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ['@cognito-passkeys/corbado-backend'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
