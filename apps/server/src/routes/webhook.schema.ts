import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

/**
 * The alert message, read as text whatever its content type and parsed by the route; the pipeline
 * validates it against `WebhookPayloadSchema` (@tradingbot/core), the format the exported Pine
 * script builds.
 */
export const WebhookBody = z.unknown();

/**
 * The webhook's answer: the execution result (success, message, orders, …) with the signal id, or
 * an acceptance while the execution continues (202).
 */
export const WebhookAnswer = z.record(z.string(), z.unknown());

export const WebhookHealth = z.object({ status: z.literal('ok'), service: z.literal('webhook') });

nameSchemas({ WebhookAnswer, WebhookHealth });
