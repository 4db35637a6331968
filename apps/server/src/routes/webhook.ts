import type { RouteContext } from '../route-context.ts';
import { ServerErrors } from '../errors.ts';
import { sourceAllowList } from '../services/source-allow-list.ts';
import type { WebhookPipeline } from '../services/webhook.ts';
import { WebhookAnswer, WebhookBody, WebhookHealth } from './webhook.schema.ts';

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
        config: { rateLimit: { max: webhookRateLimit, timeWindow: '1 minute' }, checksOwnBody: true },
        schema: {
          tags: ['webhook'],
          description:
            'TradingView alert → orders. Body: the JSON our exported Pine script builds (account_id, exchange, action, symbol, leverage, secret, id, …), any content type. With `group_id` and the group’s secret instead of `account_id`, the alert runs on every account of the group (`exchange` may be left out: each its own venue) and the answer lists each account’s result in `results`.',
          body: WebhookBody,
          response: { 200: WebhookAnswer, 202: WebhookAnswer },
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
        // The answer is due ANSWER_WITHIN_MS after arrival: the time spent reading the body counts.
        const answer = await pipeline.handle(body, request.ip, {
          elapsedMs: reply.elapsedTime,
          text: typeof request.body === 'string' ? request.body : undefined,
        });
        const { outcome: _outcome, ...payload } = answer.body;
        return reply.status(answer.status).send(payload);
      },
    );
  });
  app.get(
    '/api/v1/webhook/health',
    {
      schema: { tags: ['webhook'], response: { 200: WebhookHealth } },
    },
    async () => ({ status: 'ok' as const, service: 'webhook' as const }),
  );
}
