import { ExecutorErrors } from './errors.ts';
import type { Signal } from './signal.ts';

/**
 * Whether an alert may trade, in one place: the webhook pipeline asks when the alert arrives, the
 * signal worker when the signal's turn comes, the executor before its first venue call. Each
 * refusal has one code and one status wherever it is raised:
 *
 * - ACCOUNT_INACTIVE (403): the account is switched off;
 * - EXCHANGE_MISMATCH (400): the alert names another venue than the account's (a paper account
 *   takes `"exchange": "paper"` alerts only);
 * - STALE_SIGNAL (400): the alert is older than its own `max_lag`;
 * - FUTURE_SIGNAL (400): the alert is dated more than its `max_lag` ahead (a wrong clock, or a
 *   `timestamp` set ahead so that a replay would stay "fresh" for longer);
 * - ENTRIES_PAUSED (409): the user paused new entries on the account (Telegram `/pause`); closes
 *   still pass, so a paused account can always get flat.
 * - DAILY_LOSS_LIMIT_REACHED (409): the account's realized loss today (UTC) reached its daily loss
 *   limit: entries are refused until the next UTC day or until the user resumes; closes pass.
 * - MAX_OPEN_POSITIONS (409): the entry would open one position more than the account allows.
 */

/** What admission reads of an account; `isActive` absent means active (the executor has no flag). */
export type AdmissionAccount = {
  id: string;
  exchange: string;
  isActive?: boolean;
  /** New entries refused (absent = not paused); closing actions are never refused by it. */
  entriesPaused?: boolean;
  /** Entries refused until this time (ms, or the row's date) because the daily loss limit was reached. */
  lossPausedUntil?: number | Date | null;
};

/** Actions that open or add to a position: the ones a pause stops. */
const ENTRY_ACTIONS: ReadonlySet<Signal['action']> = new Set(['LONG', 'SHORT']);

/** Refuses an entry (long, short) on an account whose entries are paused (at `at`, ms); closes pass. */
export function admitEntry(account: AdmissionAccount, action: Signal['action'], at = Date.now()): void {
  if (!ENTRY_ACTIONS.has(action)) return;
  if (account.entriesPaused === true) {
    throw ExecutorErrors.create('ENTRIES_PAUSED', {
      message: `New entries are paused on account ${account.id} (resume them on the API keys page or with /resume in Telegram); closes still run`,
      details: { action },
    });
  }
  const until = account.lossPausedUntil == null ? undefined : Number(account.lossPausedUntil);
  if (until !== undefined && at < until) {
    const iso = new Date(until).toISOString();
    throw ExecutorErrors.create('DAILY_LOSS_LIMIT_REACHED', {
      message: `The daily loss limit of account ${account.id} is reached: new entries are paused until ${iso} (or until you resume the account); closes still run`,
      details: { action, pausedUntil: iso },
    });
  }
}

/** Refuses an entry when `openElsewhere` positions (distinct symbols) already fill the account's cap. */
export function admitOpenPositions(openElsewhere: number, maxOpenPositions: number | undefined): void {
  if (maxOpenPositions === undefined || openElsewhere < maxOpenPositions) return;
  throw ExecutorErrors.create('MAX_OPEN_POSITIONS', {
    message: `The account holds ${openElsewhere} open position(s), its maximum is ${maxOpenPositions}: close one first or raise the limit`,
    details: { open: openElsewhere, maxOpenPositions },
  });
}

/** Refuses an inactive account, and an alert naming another venue (`payloadExchange` as sent). */
export function admitAccount(account: AdmissionAccount, payloadExchange: string): void {
  if (account.isActive === false) throw ExecutorErrors.create('ACCOUNT_INACTIVE');
  if (String(payloadExchange).toLowerCase() !== account.exchange) {
    throw ExecutorErrors.create('EXCHANGE_MISMATCH', {
      message: `The payload says exchange "${payloadExchange}" but account ${account.id} is a ${account.exchange} account`,
      details: { signalExchange: payloadExchange, accountExchange: account.exchange },
    });
  }
}

/**
 * Refuses an alert older than its `max_lag` at `at` (ms), or dated more than `max_lag` after `at`.
 * `moment` only words the message: when the alert arrives, or when its queued turn comes.
 */
export function admitFreshness(
  signal: Pick<Signal, 'signalTime' | 'maxLagSeconds'>,
  at: number,
  moment: 'arrival' | 'turn' = 'arrival',
): void {
  if (signal.signalTime === undefined || signal.maxLagSeconds === undefined) return;
  const lagMs = at - signal.signalTime;
  if (-lagMs > signal.maxLagSeconds * 1000) {
    throw ExecutorErrors.create('FUTURE_SIGNAL', {
      message: `Alert dated ${Math.round(-lagMs / 1000)} s in the future, beyond its max_lag of ${signal.maxLagSeconds} s (check the clock); not executed`,
      details: { lagMs, maxLagSeconds: signal.maxLagSeconds, signalTime: signal.signalTime },
    });
  }
  if (lagMs <= signal.maxLagSeconds * 1000) return;
  const age = `${Math.round(lagMs / 1000)} s ${moment === 'arrival' ? 'ago' : 'before its turn came'}`;
  throw ExecutorErrors.create('STALE_SIGNAL', {
    message: `Stale alert: sent ${age}, max_lag is ${signal.maxLagSeconds} s; not executed`,
    details: { lagMs, maxLagSeconds: signal.maxLagSeconds, signalTime: signal.signalTime },
  });
}

/**
 * Every admission rule for a signal, at `at` (ms). A signal that has started already
 * (`signal.startedAt`) is judged at that moment: once an entry may have been sent, the signal is
 * finished whatever its age, so the position gets its stop-loss.
 */
export function admitSignal(
  signal: Signal,
  account: AdmissionAccount,
  at: number,
  moment: 'arrival' | 'turn' = signal.startedAt === undefined ? 'arrival' : 'turn',
): void {
  admitAccount(account, signal.exchange);
  admitEntry(account, signal.action, at);
  admitFreshness(signal, signal.startedAt ?? at, moment);
}
