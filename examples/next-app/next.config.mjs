import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The library comes from this repository's build (`npm run build` at the root) through the
  // `paths` in tsconfig.json, so the repository is the root of the files the server needs. An
  // app that installs session-revocation from npm needs neither.
  outputFileTracingRoot: fileURLToPath(new URL('../..', import.meta.url)),
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
