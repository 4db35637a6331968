import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { ServerErrors } from './errors.ts';

/** apps/web beside this app in the monorepo. */
export const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('../../web', import.meta.url)));

/** The request's path and query as this server received it, for the web app's layouts. */
export const WEB_PATH_HEADER = 'x-tradingbot-path';

/** Paths the API keeps for itself; everything else is the web app's. */
const API_PATHS = /^\/(api\/v1|docs|metrics)(\/|$)/;

export type WebOptions = { dir: string };

/**
 * The web app's Content-Security-Policy: scripts only with this response's nonce (Next puts it on
 * its bootstrap and chunk scripts when the request carries the policy; every page is rendered per
 * request, since the root layout reads cookies), and what they load ('strict-dynamic'); styles
 * from this origin and inline (React style attributes); images also as data: URLs (QR codes).
 */
export function pageContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The id of the web app's production build, or null when it has not been built. */
export function webBuildId(dir: string): string | null {
  const file = join(dir, '.next', 'BUILD_ID');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

type NextServer = {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close?(): Promise<void>;
};
type CreateNext = (options: {
  dir: string;
  dev: boolean;
  hostname?: string;
  port?: number;
  quiet?: boolean;
}) => NextServer;

/**
 * Serves the Next.js web app (apps/web, built with `next build`) from this Fastify server, so the
 * browser, the API and TradingView's webhook share one origin. Requests under /api/v1, /docs and
 * /metrics stay with Fastify (an unknown /api/v1 path is still the API's JSON 404); every other
 * request is handed, body untouched, to Next's request handler.
 */
export async function mountWebApp(app: FastifyInstance, config: Config, web: WebOptions): Promise<void> {
  const dir = resolve(web.dir);
  if (webBuildId(dir) === null) {
    throw ServerErrors.create('CONFIG_INVALID', {
      message: `The web app in ${dir} has not been built: run "npm run build" (npm start does it for you)`,
    });
  }
  // Next's server-side code (Auth.js sign-in, server components) runs in this process and reads
  // these two settings. The session cookie's key is derived from SECRET_KEY unless AUTH_SECRET is set.
  /* eslint-disable no-restricted-properties -- handing settings to the in-process Next server */
  // Auth.js builds its redirect and callback addresses from AUTH_URL: the public address.
  process.env.AUTH_URL ??= `${config.publicUrl}/api/auth`;
  process.env.AUTH_SECRET ??= createHmac('sha256', config.secretKey)
    .update('authjs-session-v1')
    .digest('base64url');
  app.addHook('onListen', async () => {
    const address = app.server.address() as AddressInfo | null;
    const port = address?.port ?? config.port;
    process.env.TRADINGBOT_API_URL = `http://127.0.0.1:${port}`;
  });
  /* eslint-enable no-restricted-properties */

  const requireFromWeb = createRequire(join(dir, 'package.json'));
  const nextModule = (await import(pathToFileURL(requireFromWeb.resolve('next')).href)) as {
    default: CreateNext | { default: CreateNext };
  };
  const createNext: CreateNext =
    typeof nextModule.default === 'function' ? nextModule.default : nextModule.default.default;
  const next = createNext({ dir, dev: false, hostname: config.host, port: config.port, quiet: true });
  await next.prepare();
  const handle = next.getRequestHandler();

  await app.register(async (scope) => {
    // Next reads request bodies itself (Auth.js form posts, server actions).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.route({
      // OPTIONS /* belongs to @fastify/cors (preflight).
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/*',
      schema: { hide: true },
      // Page loads fetch many assets; the API's rate limit is for the API.
      config: { rateLimit: false },
      handler: async (request, reply) => {
        if (API_PATHS.test(request.url.split('?')[0] ?? '')) return reply.callNotFound();
        // A fresh nonce per page: Next reads it from the request's policy and puts it on its scripts.
        const policy = pageContentSecurityPolicy(randomBytes(16).toString('base64'));
        request.raw.headers['content-security-policy'] = policy;
        reply.raw.setHeader('content-security-policy', policy);
        // The browser's address as this server resolved it (TRUST_PROXY), replacing whatever the
        // client claimed: the web app passes it on when it signs in to the API over loopback, so
        // the sign-in limits and the sessions list see the browser, not 127.0.0.1 (the API trusts
        // it only when TRUST_PROXY trusts its loopback peer, as behind nginx).
        request.raw.headers['x-forwarded-for'] = request.ip;
        // The page asked for, so a sign-in it redirects to can come back to it (callbackUrl);
        // set here, replacing whatever the client sent.
        request.raw.headers[WEB_PATH_HEADER] = request.url;
        reply.hijack();
        await handle(request.raw, reply.raw);
      },
    });
  });
  app.addHook('onClose', async () => {
    await next.close?.();
  });
}
