import { describe, expect, it } from 'vitest';
import { admitAccount, admitEntry, admitFreshness, admitSignal } from '../src/index.ts';
import { signal } from './helpers.ts';

const refusal = (check: () => void) => {
  try {
    check();
  } catch (error) {
    const { code, status, message } = error as { code: string; status: number; message: string };
    return { code, status, message };
  }
  return undefined;
};

describe('admission', () => {
  it('refuses an inactive account (403) before looking at the venue', () => {
    const account = { id: 'acc-1', exchange: 'binance', isActive: false };
    expect(refusal(() => admitAccount(account, 'okx'))).toMatchObject({
      code: 'ACCOUNT_INACTIVE',
      status: 403,
    });
    expect(refusal(() => admitAccount({ ...account, isActive: true }, 'BINANCE'))).toBeUndefined();
  });

  it('refuses entries on a paused account (409 ENTRIES_PAUSED) while every close passes', () => {
    const paused = { id: 'acc-p', exchange: 'paper', entriesPaused: true };
    for (const action of ['LONG', 'SHORT'] as const) {
      expect(refusal(() => admitEntry(paused, action))).toMatchObject({
        code: 'ENTRIES_PAUSED',
        status: 409,
      });
    }
    for (const action of ['CLOSE_LONG', 'CLOSE_SHORT', 'CLOSE_ALL'] as const) {
      expect(refusal(() => admitEntry(paused, action))).toBeUndefined();
    }
    expect(refusal(() => admitEntry({ ...paused, entriesPaused: false }, 'LONG'))).toBeUndefined();
    const now = Date.now();
    expect(
      refusal(() => admitSignal(signal({ action: 'long', exchange: 'paper' }), paused, now)),
    ).toMatchObject({
      code: 'ENTRIES_PAUSED',
    });
    expect(
      refusal(() => admitSignal(signal({ action: 'close_all', exchange: 'paper' }), paused, now)),
    ).toBeUndefined();
  });

  it('refuses another venue (400); a paper account takes paper alerts only', () => {
    expect(refusal(() => admitAccount({ id: 'p', exchange: 'paper' }, 'binance'))).toMatchObject({
      code: 'EXCHANGE_MISMATCH',
      status: 400,
      message: 'The payload says exchange "binance" but account p is a paper account',
    });
    expect(refusal(() => admitAccount({ id: 'p', exchange: 'paper' }, 'paper'))).toBeUndefined();
  });

  it('refuses an alert older than its max_lag (400), judged when it first started', () => {
    const now = Date.now();
    const stale = signal({ action: 'long', timestamp: now - 90_000, max_lag: 60 });
    expect(refusal(() => admitFreshness(stale, now))).toMatchObject({
      code: 'STALE_SIGNAL',
      status: 400,
      message: 'Stale alert: sent 90 s ago, max_lag is 60 s; not executed',
    });
    expect(refusal(() => admitFreshness(stale, now - 40_000))).toBeUndefined();
    const account = { id: 'acc-1', exchange: 'binance' };
    // Started 50 s after the alert: fresh then, so a resumed execution is finished whatever its age.
    expect(refusal(() => admitSignal({ ...stale, startedAt: now - 40_000 }, account, now))).toBeUndefined();
    expect(refusal(() => admitSignal(stale, account, now))).toMatchObject({ code: 'STALE_SIGNAL' });
  });

  it('refuses an alert dated more than its max_lag in the future (400), which would dodge the staleness check', () => {
    const now = Date.now();
    const future = signal({ action: 'long', timestamp: now + 600_000, max_lag: 60 });
    expect(refusal(() => admitFreshness(future, now))).toMatchObject({
      code: 'FUTURE_SIGNAL',
      status: 400,
      message: 'Alert dated 600 s in the future, beyond its max_lag of 60 s (check the clock); not executed',
    });
    // a clock a little ahead (within max_lag) is fine
    expect(refusal(() => admitFreshness(future, now + 560_000))).toBeUndefined();
    expect(refusal(() => admitSignal(future, { id: 'a', exchange: 'binance' }, now))).toMatchObject({
      code: 'FUTURE_SIGNAL',
    });
  });
});
