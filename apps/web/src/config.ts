/**
 * The web app's configuration, read once from the environment. The Fastify server that hosts the
 * app in-process sets TRADINGBOT_API_URL (its own loopback address) and AUTH_SECRET (derived from
 * its SECRET_KEY) before Next starts; `next dev` on its own reads them from the shell.
 */
export const webConfig = {
  /** Where server-side code (sign-in, server components) reaches the API. */
  apiUrl: (process.env.TRADINGBOT_API_URL ?? 'http://127.0.0.1:8001').replace(/\/$/, ''),
};
