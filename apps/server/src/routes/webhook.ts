import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { ServerErrors } from '../errors.ts';
import type { WebhookPipeline } from '../services/webhook.ts';

/**
 * `POST /api/v1/webhook/tradingview`. TradingView sends `text/plain` when it does not recognise the
 * message as JSON, so this route reads any content type as text and parses the JSON itself.
 */
export function registerWebhookRoutes(context: RouteContext, pipeline: WebhookPipeline): void {
  const { app } = context;
  const { webhookAllowedIps, webhookRateLimit } = context.deps.config;
  const allowed = webhookAllowedIps ? sourceAllowList(webhookAllowedIps) : undefined;
  app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scoped.post(
      '/api/v1/webhook/tradingview',
      {
        config: { rateLimit: { max: webhookRateLimit, timeWindow: '1 minute' } },
        schema: {
          tags: ['webhook'],
          description:
            'TradingView alert → orders. Body: the JSON our exported Pine script builds (account_id, exchange, action, symbol, leverage, secret, id, …), any content type.',
          body: z.unknown(),
          response: { 200: z.record(z.string(), z.unknown()), 202: z.record(z.string(), z.unknown()) },
        },
      },
      async (request, reply) => {
        // request.ip is the forwarded client address only when TRUST_PROXY says a proxy sets it.
        if (allowed && !allowed(request.ip)) {
          throw ServerErrors.create('SOURCE_NOT_ALLOWED', {
            message: `Webhook requests are not accepted from ${request.ip} (WEBHOOK_ALLOWED_IPS)`,
          });
        }
        let body: unknown;
        try {
          body = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
        } catch {
          throw ServerErrors.create('INVALID_JSON', { message: 'The alert message is not valid JSON' });
        }
        const answer = await pipeline.handle(body, request.ip);
        const { outcome: _outcome, ...payload } = answer.body;
        return reply.status(answer.status).send(payload);
      },
    );
  });
  app.get(
    '/api/v1/webhook/health',
    {
      schema: {
        tags: ['webhook'],
        response: { 200: z.object({ status: z.literal('ok'), service: z.literal('webhook') }) },
      },
    },
    async () => ({ status: 'ok' as const, service: 'webhook' as const }),
  );
}

/** Membership test for addresses and CIDR ranges; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4. */
function sourceAllowList(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (ip) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
