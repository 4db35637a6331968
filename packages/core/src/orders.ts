/**
 * Why the executor sent an order: the entry, a close (on request, before a reversal, or when the
 * protection could not be placed), or a stop-loss / take-profit / trailing stop (`trail`). An order's idempotency key is
 * `${signal key}:${role}` (`:${leg}` added when a signal closes both legs), and the `orders` table's
 * `role` column holds the role.
 */
export const ORDER_ROLES = [
  'entry',
  'close',
  'reverse-close',
  'sl',
  'tp',
  'tp1',
  'tp2',
  'trail',
  'protect-close',
] as const;
export type OrderRole = (typeof ORDER_ROLES)[number];
