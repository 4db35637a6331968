'use client';

import Link from 'next/link';
import { SignalTable } from '@/components/SignalTable';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useState } from 'react';
import { useResource } from '@/lib/api';
import { useLiveEvents } from '@/lib/live-events';
import { useI18n } from '@/lib/i18n';
import type { Account, AccountList, AccountPnl, Balance, Me, PositionList, SignalList } from '@/lib/types';

export default function Dashboard() {
  const { t, num } = useI18n();
  const me = useResource<Me>('/api/v1/auth/me');
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  // Live events refresh what they are about at once; the polls stay as the fallback.
  const [signalsKey, setSignalsKey] = useState(0);
  const [accountKeys, setAccountKeys] = useState<Record<string, number>>({});
  const live = useLiveEvents(({ event, data }) => {
    if (event === 'signal' || event === 'order') setSignalsKey((n) => n + 1);
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
        <div className="cards">
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
      </header>
      <ErrorMessage error={balance.error} onRetry={balance.reload} />
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
            <dt>{t('dash.realized')}</dt>
            <dd data-testid="realized" className={(pnl.data?.realized_pnl ?? 0) < 0 ? 'neg' : 'pos'}>
              {pnl.data ? num(pnl.data.realized_pnl) : '—'}
            </dd>
          </div>
        </dl>
      ) : balance.loading ? (
        <Loading />
      ) : null}
      <h3>{t('dash.positions')}</h3>
      <ErrorMessage error={positions.error} />
      {positions.data && positions.data.positions.length === 0 ? (
        <Empty>{t('dash.noPositions')}</Empty>
      ) : null}
      {positions.data && positions.data.positions.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('dash.positions')}>
          <table data-testid="positions">
            <thead>
              <tr>
                <th scope="col">{t('dash.symbol')}</th>
                <th scope="col">{t('dash.side')}</th>
                <th scope="col">{t('dash.qty')}</th>
                <th scope="col">{t('dash.entry')}</th>
                <th scope="col">{t('dash.mark')}</th>
                <th scope="col">{t('dash.unrealized')}</th>
                <th scope="col">{t('dash.leverage')}</th>
              </tr>
            </thead>
            <tbody>
              {positions.data.positions.map((p) => (
                <tr key={`${p.venue_symbol}-${p.side}`}>
                  <td>{p.venue_symbol}</td>
                  <td>{Number(p.qty) < 0 ? t('lab.short') : t('lab.long')}</td>
                  <td>{num(Math.abs(Number(p.qty)), 6)}</td>
                  <td>{num(p.entry_price)}</td>
                  <td>{num(p.mark_price)}</td>
                  <td className={Number(p.unrealized_pnl) < 0 ? 'neg' : 'pos'}>{num(p.unrealized_pnl)}</td>
                  <td>{p.leverage}×</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  );
}
