import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = dirname(fileURLToPath(import.meta.url));
// Read here, not imported from src/config.ts: Next compiles this file on its own at startup and
// cannot resolve the app's TypeScript modules from it.
// eslint-disable-next-line no-restricted-properties
const apiUrl = (process.env.TRADINGBOT_API_URL ?? 'http://127.0.0.1:8001').replace(/\/$/, '');

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages are TypeScript sources (the venue list of @tradingbot/core/venues).
  transpilePackages: ['@tradingbot/core'],
  // The monorepo root holds node_modules (npm workspaces).
  turbopack: { root: resolve(here, '../..') },
  outputFileTracingRoot: resolve(here, '../..'),
  // Served by `tradingbot serve`, /api/v1 never reaches Next (Fastify answers it first). With
  // `next dev` on its own, the browser's API calls are forwarded to the API server.
  async rewrites() {
    return [{ source: '/api/v1/:path*', destination: `${apiUrl}/api/v1/:path*` }];
  },
};

export default config;
