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
  app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scoped.post(
      '/api/v1/webhook/tradingview',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['webhook'],
          description:
            'TradingView alert → orders. Body: the JSON our exported Pine script builds (account_id, exchange, action, symbol, leverage, secret, id, …), any content type.',
          body: z.unknown(),
          response: { 200: z.record(z.string(), z.unknown()), 202: z.record(z.string(), z.unknown()) },
        },
      },
      async (request, reply) => {
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
