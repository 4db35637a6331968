'use client';

import { useMemo, useState } from 'react';
import { useI18n } from '@/lib/i18n';
import { en, type MessageKey } from '@/lib/messages';
import type { TradeRow } from '@/lib/types';
import { downloadText } from './ui';

type Column = keyof TradeRow;
const COLUMNS: [Column, MessageKey][] = [
  ['side', 'lab.col.side'],
  ['entry_time', 'lab.col.entryTime'],
  ['entry_price', 'lab.col.entryPrice'],
  ['exit_time', 'lab.col.exitTime'],
  ['exit_price', 'lab.col.exitPrice'],
  ['qty', 'lab.col.qty'],
  ['pnl', 'lab.col.pnl'],
  ['pnl_pct', 'lab.col.pnlPct'],
  ['exit_reason', 'lab.col.reason'],
  ['bars_held', 'lab.col.bars'],
];

export function tradesCsv(trades: TradeRow[]): string {
  const header = COLUMNS.map(([c]) => c).join(',');
  const rows = trades.map((trade) =>
    COLUMNS.map(([c]) =>
      c === 'entry_time' || c === 'exit_time' ? new Date(trade[c]).toISOString() : String(trade[c]),
    ).join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** The trade list: every column sortable (click or Enter on the header), CSV download. */
export function TradesTable({ trades, filename }: { trades: TradeRow[]; filename: string }) {
  const { t, num, dateTime } = useI18n();
  const [sort, setSort] = useState<{ column: Column; dir: 1 | -1 }>({ column: 'entry_time', dir: 1 });
  const sorted = useMemo(() => {
    const copy = [...trades];
    copy.sort((a, b) => {
      const x = a[sort.column];
      const y = b[sort.column];
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    });
    return copy;
  }, [trades, sort]);
  const cell = (trade: TradeRow, column: Column) => {
    const value = trade[column];
    switch (column) {
      case 'side':
        return value === 'long' ? t('lab.long') : t('lab.short');
      case 'entry_time':
      case 'exit_time':
        return dateTime(value as number);
      case 'qty':
        return num(value as number, 6);
      case 'exit_reason': {
        const key = `reason.${String(value)}`;
        return key in en ? t(key as MessageKey) : String(value);
      }
      case 'bars_held':
        return num(value as number, 0);
      default:
        return num(value as number, 2);
    }
  };
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => downloadText(filename, tradesCsv(sorted), 'text/csv')}
      >
        {t('lab.downloadCsv')}
      </button>
      <div className="table-wrap tall" tabIndex={0} role="region" aria-label={t('lab.trades')}>
        <table data-testid="trades" className="phone-cards sortable">
          <thead>
            <tr>
              {COLUMNS.map(([column, key]) => (
                <th
                  key={column}
                  scope="col"
                  aria-sort={sort.column === column ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
                >
                  <button
                    type="button"
                    className="sort"
                    aria-label={t('lab.sortBy', { column: t(key) })}
                    onClick={() =>
                      setSort((s) => ({ column, dir: s.column === column ? (-s.dir as 1 | -1) : 1 }))
                    }
                  >
                    {t(key)}
                    {sort.column === column ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((trade, k) => (
              <tr key={`${trade.entry_time}-${k}`}>
                {COLUMNS.map(([column, key]) => (
                  <td
                    key={column}
                    data-label={t(key)}
                    className={
                      column === 'pnl' || column === 'pnl_pct' ? (trade.pnl < 0 ? 'neg' : 'pos') : undefined
                    }
                  >
                    {cell(trade, column)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
