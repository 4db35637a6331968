'use client';

import Link from 'next/link';
import { MarketDataBadge } from '@/components/MarketDataBadge';
import { SignalTable } from '@/components/SignalTable';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useState } from 'react';
import { useResource, type ApiError } from '@/lib/api';
import { useLiveEvents } from '@/lib/live-events';
import { useI18n } from '@/lib/i18n';
import type {
  Account,
  AccountList,
  AccountPnl,
  Balance,
  Me,
  PositionList,
  RestingOrder,
  RestingOrderList,
  SignalList,
} from '@/lib/types';

export default function Dashboard() {
  const { t, num } = useI18n();
  // Live events refresh what they are about at once; the polls stay as the fallback.
  const [signalsKey, setSignalsKey] = useState(0);
  const [meKey, setMeKey] = useState(0);
  const [accountKeys, setAccountKeys] = useState<Record<string, number>>({});
  const me = useResource<Me>('/api/v1/auth/me', 30_000, meKey);
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const live = useLiveEvents(({ event, data }) => {
    if (event === 'signal' || event === 'order') setSignalsKey((n) => n + 1);
    // XP and the trade count move when a signal finishes or a fill arrives.
    if (event === 'signal' || event === 'fill') setMeKey((n) => n + 1);
    if (event === 'stream') return;
    const id = data.accountId;
    if (typeof id === 'string') setAccountKeys((keys) => ({ ...keys, [id]: (keys[id] ?? 0) + 1 }));
  });
  const signals = useResource<SignalList>('/api/v1/signals?limit=10', 5000, signalsKey);
  return (
    <div className="page">
      <h1>{t('dash.title')}</h1>
      <section aria-label={t('dash.level')} className="stats">
        <ErrorMessage error={me.error} onRetry={me.reload} />
        {me.data ? (
          <>
            <div className="stat">
              <span className="stat-label">{t('dash.level')}</span>
              <span className="stat-value" data-testid="level">
                {num(me.data.level, 0)}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">{t('dash.xp')}</span>
              <span className="stat-value">{num(me.data.total_xp, 0)}</span>
            </div>
            <div className="stat">
              <span className="stat-label">{t('dash.totalTrades')}</span>
              <span className="stat-value">{num(me.data.total_trades, 0)}</span>
            </div>
          </>
        ) : me.loading ? (
          <Loading />
        ) : null}
      </section>
      {me.data ? (
        <p className="muted small" data-testid="xp-explained">
          {t('dash.xpExplain', { next: num((100 * (me.data.level + 1) * me.data.level) / 2, 0) })}
        </p>
      ) : null}

      <section aria-labelledby="dash-accounts">
        <h2 id="dash-accounts">{t('dash.accounts')}</h2>
        <p className="muted small" data-testid="live-status">
          {live ? t('dash.liveStream') : t('dash.live')}
        </p>
        {accounts.loading && !accounts.data ? <Loading /> : null}
        <ErrorMessage error={accounts.error} onRetry={accounts.reload} />
        {accounts.data && accounts.data.accounts.length === 0 ? (
          <Empty>
            <Link href="/accounts">{t('dash.noAccounts')}</Link>
          </Empty>
        ) : null}
        <div className="account-list">
          {accounts.data?.accounts.map((account) => (
            <AccountCard key={account.id} account={account} refreshKey={accountKeys[account.id] ?? 0} />
          ))}
        </div>
      </section>

      <section aria-labelledby="dash-signals" className="card">
        <h2 id="dash-signals">{t('dash.recentSignals')}</h2>
        {signals.loading && !signals.data ? <Loading /> : null}
        <ErrorMessage error={signals.error} onRetry={signals.reload} />
        {signals.data && signals.data.signals.length === 0 ? <Empty>{t('dash.noSignals')}</Empty> : null}
        {signals.data && signals.data.signals.length > 0 ? (
          <SignalTable signals={signals.data.signals} />
        ) : null}
      </section>
    </div>
  );
}

function AccountCard({ account, refreshKey }: { account: Account; refreshKey: number }) {
  const { t, num } = useI18n();
  const live = account.is_active ? 5000 : undefined;
  const balance = useResource<Balance>(`/api/v1/accounts-secure/${account.id}/balance`, live, refreshKey);
  const positions = useResource<PositionList>(
    `/api/v1/accounts-secure/${account.id}/positions`,
    live,
    refreshKey,
  );
  // Open orders weigh more with the venues' rate limits (Binance: 40 for all symbols): polled slowly,
  // and at once when a live event about the account arrives.
  const orders = useResource<RestingOrderList>(
    `/api/v1/accounts-secure/${account.id}/open-orders`,
    account.is_active ? 30_000 : undefined,
    refreshKey,
  );
  const pnl = useResource<AccountPnl>(
    `/api/v1/accounts-secure/${account.id}/pnl`,
    account.is_active ? 30_000 : undefined,
    refreshKey,
  );
  return (
    <article className="card account-card" aria-label={account.label || account.exchange}>
      <header className="account-main">
        <strong>{account.label || t(`acc.exchange.${account.exchange}`)}</strong>
        <span className={`badge ${account.testnet ? 'testnet' : 'mainnet'}`}>
          {account.testnet ? t('acc.testnetBadge') : t('acc.mainnetBadge')}
        </span>
        {!account.is_active ? <span className="badge inactive">{t('dash.inactive')}</span> : null}
        {account.market_data ? (
          <MarketDataBadge source={account.market_data} status={positions.data?.market_data} />
        ) : null}
      </header>
      <AccountProblem
        error={balance.error ?? positions.error}
        lastFine={balance.updatedAt}
        onRetry={balance.reload}
      />
      {balance.data ? (
        <dl className="kv">
          <div>
            <dt>{t('dash.balance')}</dt>
            <dd data-testid="balance">
              {num(balance.data.total)} {balance.data.asset}
            </dd>
          </div>
          <div>
            <dt>{t('dash.available')}</dt>
            <dd>{num(balance.data.available)}</dd>
          </div>
          <div>
            <dt>{t('dash.unrealized')}</dt>
            <dd className={Number(balance.data.unrealized_pnl) < 0 ? 'neg' : 'pos'}>
              {num(balance.data.unrealized_pnl)}
            </dd>
          </div>
          <div>
            {/* The API says which figure it is: every venue fill (the account mirror) or only this server's orders. */}
            <dt>
              {pnl.data?.basis.startsWith('every fill') ? t('dash.realizedMirror') : t('dash.realized')}
            </dt>
            <dd data-testid="realized" className={(pnl.data?.realized_pnl ?? 0) < 0 ? 'neg' : 'pos'}>
              {pnl.data ? num(pnl.data.realized_pnl) : '—'}
            </dd>
          </div>
        </dl>
      ) : balance.loading && !balance.error ? (
        <Loading />
      ) : null}
      <h3>{t('dash.positions')}</h3>
      {positions.data && positions.data.positions.length === 0 ? (
        <Empty>{t('dash.noPositions')}</Empty>
      ) : null}
      {positions.data && positions.data.positions.length > 0 ? (
        <PositionsTable account={account} positions={positions.data} orders={orders.data?.orders} />
      ) : null}
    </article>
  );
}

/**
 * An account whose venue does not answer: the error, when it last answered (the figures shown are
 * from then) and what to check — never an endless "Loading…".
 */
function AccountProblem({
  error,
  lastFine,
  onRetry,
}: {
  error: ApiError | undefined;
  lastFine: number | undefined;
  onRetry: () => void;
}) {
  const { t, dateTime } = useI18n();
  if (!error) return null;
  const message = error.code === 'NETWORK' ? t('err.network') : error.message || t('common.error');
  return (
    <div role="alert" className="error account-problem" data-testid="account-problem">
      <p>
        {t('dash.unreachable', { message })} <code className="code">{error.code}</code>
      </p>
      <p>{lastFine ? t('dash.lastFine', { time: dateTime(lastFine) }) : t('dash.neverFine')}</p>
      <p className="small">{t('dash.whatToCheck')}</p>
      <button type="button" className="link" onClick={onRetry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

/** The open positions with the stop-loss and take-profit resting on the venue for each (cards on a phone). */
function PositionsTable({
  account,
  positions,
  orders,
}: {
  account: Account;
  positions: PositionList;
  orders: RestingOrder[] | undefined;
}) {
  const { t, num } = useI18n();
  const levels = (symbol: string, kind: RestingOrder['kind']) => {
    if (!orders) return '…';
    const found = orders.filter((o) => o.symbol === symbol && o.kind === kind);
    return found.length ? found.map((o) => num(o.trigger_price ?? o.price)).join(', ') : t('dash.noStop');
  };
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('dash.positions')}>
      <table data-testid="positions" className="phone-cards">
        <thead>
          <tr>
            <th scope="col">{t('dash.symbol')}</th>
            <th scope="col">{t('dash.side')}</th>
            <th scope="col">{t('dash.qty')}</th>
            <th scope="col">{t('dash.entry')}</th>
            <th scope="col">{t('dash.mark')}</th>
            <th scope="col">{t('dash.unrealized')}</th>
            <th scope="col">{t('dash.leverage')}</th>
            <th scope="col">{t('dash.stopLoss')}</th>
            <th scope="col">{t('dash.takeProfit')}</th>
            <th scope="col">
              <span className="sr-only">{t('dash.chart')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {positions.positions.map((p) => (
            <tr key={`${p.venue_symbol}-${p.side}`}>
              <td data-label={t('dash.symbol')}>{p.venue_symbol}</td>
              <td data-label={t('dash.side')}>{Number(p.qty) < 0 ? t('lab.short') : t('lab.long')}</td>
              <td data-label={t('dash.qty')}>{num(Math.abs(Number(p.qty)), 6)}</td>
              <td data-label={t('dash.entry')}>{num(p.entry_price)}</td>
              <td data-label={t('dash.mark')}>{num(p.mark_price)}</td>
              <td data-label={t('dash.unrealized')} className={Number(p.unrealized_pnl) < 0 ? 'neg' : 'pos'}>
                {num(p.unrealized_pnl)}
              </td>
              <td data-label={t('dash.leverage')}>{p.leverage}×</td>
              <td data-label={t('dash.stopLoss')} data-testid="position-stop">
                {levels(p.venue_symbol, 'stop_loss')}
              </td>
              <td data-label={t('dash.takeProfit')}>{levels(p.venue_symbol, 'take_profit')}</td>
              <td>
                <Link
                  href={`/history/${encodeURIComponent(account.id)}/${encodeURIComponent(p.venue_symbol)}`}
                  aria-label={t('dash.chartOf', { symbol: p.venue_symbol })}
                >
                  {t('dash.chart')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
