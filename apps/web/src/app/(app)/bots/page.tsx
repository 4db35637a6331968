'use client';

import Link from 'next/link';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { Account, AccountList, Bot, BotList, PositionList } from '@/lib/types';
import { BotControls } from './BotControls';
import { BotStatus, tradesText } from './BotStatus';
import { NewBotForm } from './NewBotForm';

/** The bots page: every bot with its status, bars, position and PnL, start/stop, and a form for a new one. */
export default function BotsPage() {
  const { t } = useI18n();
  const bots = useResource<BotList>('/api/v1/bots', 5000);
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const accountOf = (id: string) => accounts.data?.accounts.find((a) => a.id === id);
  return (
    <div className="page">
      <h1>{t('bot.title')}</h1>
      <p className="muted">{t('bot.intro')}</p>
      <section className="card" aria-label={t('bot.title')}>
        {bots.loading && !bots.data ? <Loading /> : null}
        <ErrorMessage error={bots.error} onRetry={bots.reload} />
        {bots.data && bots.data.bots.length === 0 ? <Empty>{t('bot.none')}</Empty> : null}
        {bots.data && bots.data.bots.length > 0 ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('bot.title')}>
            <table data-testid="bots">
              <thead>
                <tr>
                  <th scope="col">{t('bot.name')}</th>
                  <th scope="col">{t('bot.market')}</th>
                  <th scope="col">{t('bot.account')}</th>
                  <th scope="col">{t('bot.status')}</th>
                  <th scope="col">{t('bot.lastBar')}</th>
                  <th scope="col">{t('bot.nextBar')}</th>
                  <th scope="col">{t('bot.position')}</th>
                  <th scope="col">{t('bot.pnl')}</th>
                  <th scope="col">{t('bot.realized')}</th>
                  <th scope="col">{t('bot.trades')}</th>
                  <th scope="col">{t('bot.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {bots.data.bots.map((bot) => (
                  <BotRow
                    key={bot.id}
                    bot={bot}
                    account={accountOf(bot.account_id)}
                    onChanged={bots.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <NewBotForm accounts={accounts.data?.accounts ?? []} onCreated={bots.reload} />
    </div>
  );
}

function BotRow({
  bot,
  account,
  onChanged,
}: {
  bot: Bot;
  account: Account | undefined;
  onChanged: () => void;
}) {
  const { t, dateTime, num } = useI18n();
  return (
    <tr data-testid={`bot-${bot.id}`}>
      <td>
        <Link href={`/bots/${bot.id}`}>{bot.name || bot.strategy}</Link>
        <br />
        <small className="muted">{bot.strategy}</small>
      </td>
      <td>
        {bot.symbol} · {bot.timeframe}
      </td>
      <td>{account ? account.label || t(`acc.exchange.${account.exchange}`) : bot.account_id.slice(0, 8)}</td>
      <td>
        <BotStatus bot={bot} />
      </td>
      <td>{bot.last_bar_time === null ? '—' : dateTime(bot.last_bar_time)}</td>
      <td>{bot.next_bar_due === null ? '—' : dateTime(bot.next_bar_due)}</td>
      <td>{t(`bot.position.${bot.position}`)}</td>
      <td>
        <BotPnl bot={bot} />
      </td>
      <td>
        <span className={Number(bot.pnl.net_pnl) < 0 ? 'neg' : 'pos'} data-testid="bot-realized">
          {num(bot.pnl.net_pnl)}
        </span>
      </td>
      <td data-testid="bot-trades">{tradesText(t, bot)}</td>
      <td>
        <BotControls bot={bot} onChanged={onChanged} />
      </td>
    </tr>
  );
}

/** The unrealized PnL of the bot's symbol on its account, as the venue reports it now. */
export function BotPnl({ bot }: { bot: Bot }) {
  const { num } = useI18n();
  const positions = useResource<PositionList>(`/api/v1/accounts-secure/${bot.account_id}/positions`, 10_000);
  const held = positions.data?.positions.find((p) => p.venue_symbol === bot.symbol && Number(p.qty) !== 0);
  if (held === undefined) return <>—</>;
  return (
    <span className={Number(held.unrealized_pnl) < 0 ? 'neg' : 'pos'} data-testid="bot-pnl">
      {num(held.unrealized_pnl)}
    </span>
  );
}
