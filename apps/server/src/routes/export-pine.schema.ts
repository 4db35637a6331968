import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const ExportPineQuery = z.strictObject({
  strategy: z.string().min(1).max(32),
  /** The strategy's parameters as a JSON object, e.g. {"rsiLength":14}. */
  params: z.string().max(2000).optional(),
  account_id: z.string().min(1).max(64),
  leverage: z.coerce.number().int().min(1).max(125).optional(),
  lang: z.enum(['ko', 'en']).optional(),
});

export const PineExport = z.object({
  script: z.string(),
  guide: z.string(),
  webhook_url: z.string(),
  alert_message_example: z.record(z.string(), z.unknown()),
});

nameSchemas({ PineExport });
