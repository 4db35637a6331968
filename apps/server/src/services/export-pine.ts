import { z } from 'zod';
import type { Database } from '@tradingbot/db';
import { buildPineExport } from '@tradingbot/pine';
import { ServerErrors } from '../errors.ts';
import { ownAccount } from './accounts.ts';

export type ExportPineInput = {
  strategy: string;
  /** JSON object text, as the query string carries it. */
  params?: string | undefined;
  account_id: string;
  leverage?: number | undefined;
  lang?: 'ko' | 'en' | undefined;
};

/**
 * The Pine script, setup guide and alert message for one of the caller's accounts. The account's
 * webhook secret is stored only as a hash, so the script carries a visible placeholder where the
 * secret goes; the user pastes the secret they were shown at registration (or rotates it to get a
 * new one).
 */
export async function exportPine(
  deps: { database: Database; publicUrl: string },
  userId: string,
  input: ExportPineInput,
) {
  const { strategy, account_id: accountId, leverage, lang } = input;
  const account = await ownAccount(deps.database, userId, accountId);
  let params: Record<string, unknown> = {};
  if (input.params !== undefined) {
    try {
      params = z.record(z.string(), z.unknown()).parse(JSON.parse(input.params));
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
    webhookUrl: `${deps.publicUrl}/api/v1/webhook/tradingview`,
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
}
