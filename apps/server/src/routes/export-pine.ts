import { z } from 'zod';
import { buildPineExport } from '@tradingbot/pine';
import { ServerErrors } from '../errors.ts';
import type { RouteContext } from '../app.ts';
import { ownAccount } from '../services/accounts.ts';
import { ErrorResponse } from './auth.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

const Query = z.strictObject({
  strategy: z.string().min(1).max(32),
  params: z.string().max(2000).optional(),
  account_id: z.string().min(1).max(64),
  leverage: z.coerce.number().int().min(1).max(125).optional(),
  lang: z.enum(['ko', 'en']).optional(),
});

const Response = z.object({
  script: z.string(),
  guide: z.string(),
  webhook_url: z.string(),
  alert_message_example: z.record(z.string(), z.unknown()),
});

/**
 * The seed's `/simple/export-pine`. The account's webhook secret is stored only as a hash, so the
 * script carries a visible placeholder where the secret goes; the user pastes the secret they were
 * shown at registration (or rotate it to get a new one).
 */
export function registerExportPineRoutes(context: RouteContext): void {
  const { app, deps } = context;
  app.get(
    '/api/v1/simple/export-pine',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['strategies'],
        security: bearerSecurity,
        querystring: Query,
        response: { 200: Response, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { strategy, account_id: accountId, leverage, lang } = request.query;
      const account = await ownAccount(deps.database, currentUser(request).user.id, accountId);
      let params: Record<string, unknown> = {};
      if (request.query.params !== undefined) {
        try {
          params = z.record(z.string(), z.unknown()).parse(JSON.parse(request.query.params));
        } catch {
          throw ServerErrors.create('VALIDATION_FAILED', {
            message: 'params must be a JSON object, e.g. {"rsiLength":14}',
          });
        }
      }
      const built = buildPineExport({
        strategy,
        params,
        account: { id: account.id, exchange: account.exchange },
        webhookUrl: `${deps.config.publicUrl}/api/v1/webhook/tradingview`,
        includeSecret: false,
        ...(leverage !== undefined ? { leverage } : {}),
        ...(lang !== undefined ? { lang } : {}),
      });
      return {
        script: built.script,
        guide: built.guide,
        webhook_url: built.webhook_url,
        alert_message_example: built.alert_message_example,
      };
    },
  );
}
