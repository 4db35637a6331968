import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { webConfig } from './src/config';

const here = dirname(fileURLToPath(import.meta.url));

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The monorepo root holds node_modules (npm workspaces).
  turbopack: { root: resolve(here, '../..') },
  outputFileTracingRoot: resolve(here, '../..'),
  // Served by `tradingbot serve`, /api/v1 never reaches Next (Fastify answers it first). With
  // `next dev` on its own, the browser's API calls are forwarded to the API server.
  async rewrites() {
    return [{ source: '/api/v1/:path*', destination: `${webConfig.apiUrl}/api/v1/:path*` }];
  },
};

export default config;
