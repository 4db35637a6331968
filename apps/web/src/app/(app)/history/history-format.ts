import { en, type MessageKey } from '@/lib/messages';

/** A `YYYY-MM-DD` or `YYYY-MM` period of the API as the time of its first moment (ms, UTC). */
export function periodStart(date: string): number {
  return Date.parse(date.length === 7 ? `${date}-01T00:00:00Z` : `${date}T00:00:00Z`);
}

/** The message key of a fill or trade reason (signal, stop_loss, …), or undefined for one not known here. */
export function reasonKey(reason: string | null | undefined): MessageKey | undefined {
  const key = `hist.reason.${reason ?? ''}`;
  return key in en ? (key as MessageKey) : undefined;
}

/** `-0.5` → negative, `0`/`1.2` → positive: the class that colours an amount. */
export const tone = (value: string | number | null | undefined) => (Number(value ?? 0) < 0 ? 'neg' : 'pos');
