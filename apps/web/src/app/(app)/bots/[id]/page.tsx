'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { BotLiveChart } from '@/components/Charts';
import { MarketDataBadge } from '@/components/MarketDataBadge';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { BotChart, BotDetail } from '@/lib/types';
import { BotControls } from '../BotControls';
import { BotStatus, tradesText } from '../BotStatus';

/** One bot: its definition and state, start/stop, the live chart and its decisions and trades. */
export default function BotPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const detail = useResource<BotDetail>(`/api/v1/bots/${encodeURIComponent(id)}`, 5000);
  const chart = useResource<BotChart>(`/api/v1/bots/${encodeURIComponent(id)}/chart`, 15_000);
  const [bot, setBot] = useState<BotDetail>();
  useEffect(() => setBot(detail.data), [detail.data]);
  return (
    <div className="page">
      <p>
        <Link href="/bots">← {t('bot.back')}</Link>
      </p>
      <h1>{t('bot.detail', { name: bot?.name || bot?.strategy || id.slice(0, 8) })}</h1>
      {detail.loading && !bot ? <Loading /> : null}
      <ErrorMessage error={detail.error} onRetry={detail.reload} />
      {bot ? (
        <>
          <BotSummary bot={bot} chart={chart.data} />
          <BotControls
            bot={bot}
            onChanged={(changed) => {
              setBot({ ...bot, ...changed });
              detail.reload();
            }}
          />
          <section className="card" aria-labelledby="bot-chart">
            <h2 id="bot-chart">{t('bot.chart')}</h2>
            <ErrorMessage error={chart.error} onRetry={chart.reload} />
            {chart.loading && !chart.data ? <Loading /> : null}
            {chart.data ? <BotLiveChart chart={chart.data} /> : null}
          </section>
          <BotDecisions bot={bot} />
        </>
      ) : null}
    </div>
  );
}

function BotSummary({ bot, chart }: { bot: BotDetail; chart: BotChart | undefined }) {
  const { t, dateTime, num } = useI18n();
  const exit = (atr: number | null, pct: number | null) =>
    pct !== null ? `${pct} %` : atr !== null && atr > 0 ? `${atr} ATR` : t('bot.noneExit');
  const position = chart?.position;
  return (
    <section className="card" aria-label={t('bot.status')}>
      <dl className="kv">
        <div>
          <dt>{t('bot.status')}</dt>
          <dd>
            <BotStatus bot={bot} />
          </dd>
        </div>
        <div>
          <dt>{t('bot.strategy')}</dt>
          <dd>
            {bot.strategy} <code>{JSON.stringify(bot.params)}</code>
          </dd>
        </div>
        <div>
          <dt>{t('bot.market')}</dt>
          <dd>
            {bot.symbol} · {bot.timeframe}{' '}
            {chart?.market_data ? (
              <MarketDataBadge source={chart.market_data.source} status={chart.market_data} />
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('bot.plan')}</dt>
          <dd>
            {t('bot.planText', {
              size: bot.plan.size_pct,
              leverage: bot.plan.leverage,
              sl: exit(bot.plan.sl_atr, bot.plan.sl_pct),
              tp: exit(bot.plan.tp_atr, bot.plan.tp_pct),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('bot.lastBar')}</dt>
          <dd>{bot.last_bar_time === null ? '—' : dateTime(bot.last_bar_time)}</dd>
        </div>
        <div>
          <dt>{t('bot.nextBar')}</dt>
          <dd>{bot.next_bar_due === null ? '—' : dateTime(bot.next_bar_due)}</dd>
        </div>
        <div>
          <dt>{t('bot.position')}</dt>
          <dd data-testid="bot-position">
            {position
              ? `${t(`bot.position.${position.side}`)} ${num(position.qty, 6)} · ${t('bot.entry')} ${num(position.entry_price)} · ${t('bot.mark')} ${num(position.mark_price)}`
              : t(`bot.position.${bot.position}`)}
          </dd>
        </div>
        <div>
          <dt>{t('bot.pnl')}</dt>
          <dd className={Number(position?.unrealized_pnl ?? 0) < 0 ? 'neg' : 'pos'}>
            {position ? num(position.unrealized_pnl) : '—'}
          </dd>
        </div>
        <div>
          <dt>{t('bot.realized')}</dt>
          <dd className={Number(bot.pnl.net_pnl) < 0 ? 'neg' : 'pos'} data-testid="bot-realized">
            {t('bot.realizedText', {
              net: num(bot.pnl.net_pnl),
              realized: num(bot.pnl.realized_pnl),
              fees: num(bot.pnl.fees),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('bot.trades')}</dt>
          <dd data-testid="bot-trades">{tradesText(t, bot)}</dd>
        </div>
        <div>
          <dt>
            {t('bot.stopLoss')} / {t('bot.takeProfit')}
          </dt>
          <dd data-testid="bot-protection">
            {chart && chart.protection.length > 0
              ? chart.protection
                  .map(
                    (p) => `${t(p.kind === 'stop_loss' ? 'bot.stopLoss' : 'bot.takeProfit')} ${num(p.price)}`,
                  )
                  .join(' · ')
              : t('bot.noProtection')}
          </dd>
        </div>
      </dl>
    </section>
  );
}

const SIGNAL_STATUSES = ['received', 'executing', 'executed', 'failed', 'rejected'] as const;
const isSignalStatus = (value: string | null): value is (typeof SIGNAL_STATUSES)[number] =>
  (SIGNAL_STATUSES as readonly (string | null)[]).includes(value);

/** The bot's decisions, newest first: each bar's action, sent (with its signal) or skipped (why). */
function BotDecisions({ bot }: { bot: BotDetail }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="bot-decisions">
      <h2 id="bot-decisions">{t('bot.decisions')}</h2>
      {bot.decisions.length === 0 ? (
        <Empty>{t('bot.noDecisions')}</Empty>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('bot.decisions')}>
          <table data-testid="bot-decisions">
            <thead>
              <tr>
                <th scope="col">{t('bot.barTime')}</th>
                <th scope="col">{t('bot.action')}</th>
                <th scope="col">{t('bot.outcome')}</th>
                <th scope="col">{t('bot.signal')}</th>
                <th scope="col">{t('bot.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {bot.decisions.map((d) => (
                <tr key={`${d.bar_time}-${d.action}`}>
                  <td>{dateTime(d.bar_time)}</td>
                  <td>{t(`bot.action.${d.action}`)}</td>
                  <td>{t(`bot.outcome.${d.outcome}`)}</td>
                  <td>
                    {d.signal_id ? (
                      <Link href={`/signals/${d.signal_id}`}>
                        {isSignalStatus(d.signal_status)
                          ? t(`status.${d.signal_status}`)
                          : d.signal_id.slice(0, 8)}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{d.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
