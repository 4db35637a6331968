import type { AppError } from '@tradingbot/core';
import { ExchangeErrors, type ExchangeErrorCode } from '../errors.ts';

/** What a venue said in an error answer: its own code (when it sent one), message and HTTP status. */
export type VenueSaid = { venueCode: string | number | undefined; venueMessage: string; httpStatus: number };

/**
 * The typed error for a venue's refusal, keeping everything the venue said in `details`
 * (`venue`, `venueCode`, `venueMessage`, `httpStatus`, then the venue's `extra`). The message is
 * the typed error's, followed by `(<Venue> <code>: <message>)`, or `(HTTP <status>: …)` when the
 * venue sent no code; `shownMessage` replaces the venue's message there (e.g. trimmed).
 */
export function venueError(
  venue: { id: string; name: string },
  code: ExchangeErrorCode,
  said: VenueSaid,
  extra: Record<string, unknown> = {},
  shownMessage = said.venueMessage,
): AppError {
  const prefix = said.venueCode === undefined ? `HTTP ${said.httpStatus}` : `${venue.name} ${said.venueCode}`;
  return ExchangeErrors.create(code, {
    message: `${ExchangeErrors.table[code].message} (${prefix}: ${shownMessage})`,
    details: {
      venue: venue.id,
      venueCode: said.venueCode,
      venueMessage: said.venueMessage,
      httpStatus: said.httpStatus,
      ...extra,
    },
  });
}
