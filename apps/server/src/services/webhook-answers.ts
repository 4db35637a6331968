import { isAppError } from '@tradingbot/core';
import type { AccountRow } from '@tradingbot/db';
import { hashToken, timingSafeEqualHex } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import { hasUnsafeText, unsafeInputError } from '../input-safety.ts';

/** What the webhook answers: the HTTP status and the body (`outcome` is for the metrics, not sent). */
export type WebhookAnswer = { status: 200 | 202; body: Record<string, unknown> };

/** One member of a group alert while it is handled: its account, its signal, its answer once known. */
export type GroupMemberState = {
  account: AccountRow;
  handling: { signalId: string; deadline: number; recorded: boolean };
  answer?: { status: number; body: Record<string, unknown> };
};

/** A group alert while it is handled: the group asked for, and its members once authenticated. */
export type GroupFanOut = { groupId: string; authenticated?: boolean; members: GroupMemberState[] };

/** An alert for an account group names `group_id` (the pipeline refuses one that names both). */
export function isGroupAlert(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'group_id' in body;
}

/** The `account_id` / `group_id` the alert names, checked before any database read. */
export function alertTarget(raw: unknown, field: 'account_id' | 'group_id', what: string): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw ServerErrors.create('VALIDATION_FAILED', { message: 'The alert message must be a JSON object' });
  }
  const id = (raw as Record<string, unknown>)[field];
  if (
    (typeof id !== 'string' && typeof id !== 'number') ||
    String(id).trim() === '' ||
    String(id).length > 64
  ) {
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `${field}: the alert must name its ${what} (${field})`,
      details: { issues: [{ field, message: 'required' }] },
    });
  }
  if (hasUnsafeText(String(id))) throw unsafeInputError({ problem: 'characters', field }, 'payload');
  return String(id).trim();
}

/** The alert's `secret` against a stored sha256, in constant time. */
export function secretMatches(raw: unknown, storedHash: string): boolean {
  const { secret } = raw as Record<string, unknown>;
  return timingSafeEqualHex(hashToken(typeof secret === 'string' ? secret : ''), storedHash);
}

/** The answer while execution continues: the signal is recorded, its result comes later. */
export function accepted(signalId: string): WebhookAnswer {
  return {
    status: 202,
    body: {
      success: true,
      status: 'accepted',
      signal_id: signalId,
      message: 'Signal accepted; execution continues in the background',
    },
  };
}

/**
 * The answer at the deadline before the alert is even recorded (the database is slow): it will be
 * recorded under this id and then run, or refused, in the background. A re-delivery of an alert
 * recorded before keeps the first delivery's id instead.
 */
export function receiving(signalId: string): WebhookAnswer {
  return {
    status: 202,
    body: {
      success: true,
      status: 'receiving',
      signal_id: signalId,
      message:
        'Alert received; it is still being recorded, then runs (or is refused) in the background: see GET /api/v1/signals/' +
        signalId,
    },
  };
}

/** A member's refusal (inactive, paused, wrong venue, stale, invalid) as its entry in the group's answer. */
export function memberRefusal(error: unknown): { status: number; body: Record<string, unknown> } {
  const known = isAppError(error) ? error : ServerErrors.create('INTERNAL');
  const signalId = known.details?.signal_id;
  return {
    status: known.status,
    body: {
      success: false,
      outcome: 'refused',
      code: known.code,
      message: known.message,
      ...(typeof signalId === 'string' ? { signal_id: signalId } : {}),
      ...(known.details?.issues ? { issues: known.details.issues } : {}),
    },
  };
}

/**
 * A group alert's answer: one entry per member (account, venue, HTTP status it would have had,
 * outcome, signal id, result or refusal), 200 when every member's is final, else 202.
 */
export function groupAnswer(fanOut: GroupFanOut): WebhookAnswer {
  const results = fanOut.members.map(({ account, handling, answer }): Record<string, unknown> => {
    const reached =
      answer ?? (handling.recorded ? accepted(handling.signalId) : receiving(handling.signalId));
    const { outcome, ...body } = reached.body;
    return {
      account_id: account.id,
      exchange: account.exchange,
      http_status: reached.status,
      outcome:
        outcome ??
        (body.duplicate === true ? 'duplicate' : reached.status === 202 ? String(body.status) : 'executed'),
      ...body,
    };
  });
  const pending = !fanOut.authenticated || results.some((entry) => entry.http_status === 202);
  const failed = results.filter((entry) => entry.success === false).length;
  const counts = (outcome: string) => results.filter((entry) => entry.outcome === outcome).length;
  const message = fanOut.authenticated
    ? `${results.length} accounts: ${counts('executed')} executed, ${counts('duplicate')} duplicate, ${failed} failed or refused, ${results.filter((entry) => entry.http_status === 202).length} in progress`
    : 'Alert received; the group is still being read, its accounts run (or are refused) in the background';
  return {
    status: pending ? 202 : 200,
    body: {
      success: failed === 0,
      group_id: fanOut.groupId,
      message,
      results,
      outcome: pending ? 'accepted' : 'group',
    },
  };
}
